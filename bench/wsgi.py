"""`gunicorn bench.wsgi:app`: the app on the bench database named by BENCH_DATABASE_URL."""
import os

from bench.run import bench_app

app = bench_app(os.environ["BENCH_DATABASE_URL"])

"""WSGI entry point: `gunicorn wsgi:app`."""
import gc

from youthagainstguns import create_app

app = create_app()
# The app's modules, templates and metadata live as long as the process: keep them out of the
# garbage collector's full passes, which otherwise walked them every few requests (a 300-line
# attendance page went from ~55 ms to ~300 ms at its p95 when one ran).
gc.freeze()

"""WSGI entry point: `gunicorn wsgi:app`."""
from youthagainstguns import create_app

app = create_app()

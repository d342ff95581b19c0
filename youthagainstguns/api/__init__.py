"""The JSON API under /api/v1 (flask-smorest) and the pages that hand out personal API tokens."""

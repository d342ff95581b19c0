"""Schemathesis against the API's own OpenAPI document, in-process (WSGI), as an admin: for
every operation a bounded number of generated requests, valid and invalid, none answered with
a server error, a status the document does not list, or a body or content type that breaks
its schema."""
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from youthagainstguns.api import tokens
from youthagainstguns.api.models import Scope
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceStatus

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Valid requests, and requests that break the document (which must be refused as documented).
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
EXAMPLES_PER_OPERATION = 30  # per mode
BUDGET_SECONDS = 60


@pytest.fixture
def admin_token(make, db):
    """An admin's token with every scope, over a small world: venues, a speaker, a workshop
    with a roster and a certificate, so that generated ids sometimes hit a record."""
    workshop, students = make.class_of(make.school(), [AttendanceStatus.PRESENT] * 3,
                                       speakers=[make.speaker()])
    make.certificate(workshop, student=students[0])
    admin = make.user(Role.ADMIN)
    _token, secret = tokens.create_token(admin, "schemathesis", tuple(Scope), by=admin)
    db.session.commit()
    return secret


def test_the_api_keeps_to_its_openapi_document(app, admin_token):
    """Does every operation answer generated requests as its document says?"""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {admin_token}"}
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 100_000  # the run sends hundreds a minute
    started, operations, failures, sent = time.monotonic(), 0, [], []
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            for mode in MODES:

                @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
                @given(case=operation.as_strategy(generation_mode=mode))
                def run(case):
                    sent.append(case.operation.path)
                    case.call_and_validate(headers=headers, checks=CHECKS)

                try:
                    run()
                except Unsatisfiable:
                    continue  # nothing invalid can be written for it (a free-text path value)
                except Exception as error:  # noqa: BLE001  (gather every operation's failure)
                    failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}):"
                                    f" {error}")
    finally:
        app.config["API_RATE_LIMIT_PER_MINUTE"] = 600
    elapsed = time.monotonic() - started
    print(f"schemathesis: {operations} operations, {len(sent)} requests, {elapsed:.1f} s")
    assert operations >= 10
    assert not failures, "\n\n".join(failures)
    assert elapsed < BUDGET_SECONDS

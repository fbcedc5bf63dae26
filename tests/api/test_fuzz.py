"""Property-based fuzzing of the API from its own OpenAPI document (schemathesis), bounded in time.

Every operation gets generated requests, valid ones and invalid ones; every
answer must be no server error, a status code and content type the document
declares, and a body that matches the declared schema. (Driven with
Hypothesis directly: schemathesis's pytest plugin does not yet run on this
pytest.)
"""

from __future__ import annotations

import os

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

from tests.api.conftest import new_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("PAPERFEED_FUZZ_EXAMPLES", "25"))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_holds_under_generated_requests(used_site, client, mode):
    auth = {"Authorization": f"Bearer {new_token(client, 'fuzz')}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", used_site)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def holds(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=auth)
            case.validate_response(response, checks=CHECKS)

        try:
            holds()
        except Unsatisfiable:  # nothing invalid can be made for it (no parameters, no body)
            assert mode is GenerationMode.NEGATIVE

"""SIGKILL the real Celery worker mid-task, 3 times (the CI cut of issue 9).

The harness is tests/faults/kill.py; ``python -m tests.faults`` runs the same
with 20 kills per scenario and both ways of recovering. Here: certificate
issuing recovers through the broker (a short visibility timeout gives the
killed worker's messages back), the assignment fan-out through the
reconciliation task with the production visibility timeout of an hour.
"""

import pytest

from tests.faults import kill

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_killing_the_worker_while_it_issues_certificates_leaves_exactly_one_each():
    # 120 issues take a few seconds; a kill within 0.4 s of the first one
    # finds the worker busy however fast the machine is.
    result = kill.run(
        "certificates", kills=3, recovery="redelivery", size=120, pause=(0.05, 0.4)
    )

    assert result.problems == [], result.summary()
    assert (result.duplicates, result.missing) == (0, 0), result.summary()
    # The first kill comes while the worker holds messages; the broker gave
    # them back and they ran again.
    assert result.kills_mid_task >= 1, result.summary()
    assert result.redeliveries >= 1, result.summary()


def test_killing_the_worker_mid_fan_out_enrols_every_targeted_worker_once():
    result = kill.run("assignment", kills=3, recovery="reconcile", size=3000)

    assert result.problems == [], result.summary()
    assert (result.duplicates, result.missing) == (0, 0), result.summary()
    assert result.kills_mid_task >= 1, result.summary()
    # The reconciliation resumed the fan-out; the stranded messages, given back
    # "an hour later", then ran as no-ops.
    assert result.stranded >= 1, result.summary()

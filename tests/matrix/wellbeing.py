"""Wellbeing routes: the worker's own pages, and HR's group figures.

Only workers reach the self-assessment pages; HR, trainers, reviewers and
administrators are refused (403) before anything is read. The aggregate page
is for HR in scope and administrators, and shows groups, never a person.
"""

from tests.matrix import LOGIN, Case, redirect, row

WORKER_ONLY = (403, 403, 403, 403, 403)
INTRO = (200, "Stress self-assessment")
NO_RESULTS = (
    200,
    "You have no self-assessment results. Results appear here after you agree "
    "and answer the questions.",
)
CONSENT = (200, "I have read the above and agree to take this self-assessment.")
WITHDRAW = (200, "Yes, withdraw and delete my data")

ROWS: dict[str, Case] = {
    "wellbeing/": Case("/wellbeing/", "get", row(LOGIN, INTRO, INTRO, *WORKER_ONLY)),
    "wellbeing/results/": Case(
        "/wellbeing/results/", "get", row(LOGIN, NO_RESULTS, NO_RESULTS, *WORKER_ONLY)
    ),
    "wellbeing/aggregates/": Case(
        "/wellbeing/aggregates/",
        "get",
        row(
            LOGIN,
            403,
            403,
            403,
            403,
            (200, "东湖街道"),
            (200, "连心区"),
            (200, "Stress self-assessment: group figures"),
        ),
    ),
    "wellbeing/<slug:slug>/consent/": Case(
        "/wellbeing/pss10/consent/", "get", row(LOGIN, CONSENT, CONSENT, *WORKER_ONLY)
    ),
    # Without a consent the questionnaire leads to the consent.
    "wellbeing/<slug:slug>/take/": Case(
        "/wellbeing/pss10/take/",
        "get",
        row(
            LOGIN,
            redirect("/wellbeing/pss10/consent/"),
            redirect("/wellbeing/pss10/consent/"),
            *WORKER_ONLY,
        ),
    ),
    "wellbeing/<slug:slug>/withdraw/": Case(
        "/wellbeing/pss10/withdraw/",
        "get",
        row(LOGIN, WITHDRAW, WITHDRAW, *WORKER_ONLY),
    ),
}

"""Template tags of the quiz pages: the lesson's quiz block reads its state here."""

from django import template

from assessments.completion import lesson_quiz_ids
from assessments.selectors.attempts import quiz_states_for_worker

register = template.Library()


@register.simple_tag(takes_context=True)
def quiz_block_state(context, quiz_id):
    """The worker's state in a quiz of the lesson being shown, or None.

    The first quiz block of a page reads the states of every quiz block of
    that page at once and keeps them on the request, so a lesson with several
    quizzes still costs the same few queries.
    """
    request = context.get("request")
    if request is None or not quiz_id:
        return None
    states = getattr(request, "_lianxin_quiz_states", None)
    if states is None or quiz_id not in states:
        page = context.get("page")
        ids = lesson_quiz_ids([page]) if hasattr(page, "body") else set()
        ids.add(int(quiz_id))
        states = quiz_states_for_worker(user=request.user, quiz_ids=ids)
        for missing in ids - set(states):
            states[missing] = None
        request._lianxin_quiz_states = states
    return states.get(int(quiz_id))

from . import roles


def navigation(request):
    """What the base template needs to draw the menu for this user's roles."""
    user = getattr(request, "user", None)
    held = roles.user_roles(user) if user is not None else frozenset()
    return {
        "roles": held,
        "is_worker": roles.WORKER in held,
        "is_trainer": bool(held & {roles.TRAINER, roles.REVIEWER, roles.ADMIN}),
        "is_hr": bool(held & {roles.HR, roles.ADMIN}),
        "is_admin": roles.ADMIN in held,
    }

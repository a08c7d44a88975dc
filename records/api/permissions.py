from rest_framework.permissions import BasePermission

from people import roles


class IsReviewer(BasePermission):
    """HR reviewers and administrators; what they see is scoped by the views."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and roles.has_role(user, roles.HR, roles.ADMIN)
        )

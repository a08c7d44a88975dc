"""Make a records API token for an HR reviewer: ``records_api_token <user> <name>``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.models import User
from records.services.tokens import api_token_create


class Command(BaseCommand):
    help = "Make a records API token acting as an HR reviewer; prints it once."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the HR reviewer's username")
        parser.add_argument("name", help="what uses the token, e.g. 区人事系统")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": username})
        try:
            token, raw = api_token_create(user=user, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("Token %(name)s for %(user)s (shown once, keep it safe):")
            % {"name": token.name, "user": user.get_full_name()}
        )
        self.stdout.write(raw)

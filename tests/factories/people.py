import factory
from django.contrib.auth.models import Group

from people import roles
from people.models import HRScope, OrgUnit, Position, User, WorkerProfile

PASSWORD = "lianxin-test-pw"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for key in extracted:
                self.groups.add(
                    Group.objects.get_or_create(name=roles.GROUP_NAMES[key])[0]
                )


def org_unit(name: str, parent: OrgUnit | None = None) -> OrgUnit:
    """Get or create a node under parent (a root when None); level = depth."""
    if parent is None:
        node = OrgUnit.get_root_nodes().filter(name=name).first()
        return node or OrgUnit.add_root(name=name, level=1)
    parent.refresh_from_db()
    node = parent.get_children().filter(name=name).first()
    return node or parent.add_child(name=name, level=parent.depth + 1)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ["name"]

    name = "专职社区工作者"
    post_type = Position.PostType.OTHER


class WorkerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerProfile

    user = factory.SubFactory(UserFactory, roles=[roles.WORKER])
    employee_no = factory.Sequence(lambda n: f"W{n:05d}")
    org_unit = factory.LazyFunction(lambda: org_unit("测试区"))
    position = factory.SubFactory(PositionFactory)
    grade = 5


class HRScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HRScope

    user = factory.SubFactory(UserFactory, roles=[roles.HR])
    org_unit = factory.LazyFunction(lambda: org_unit("测试区"))

"""The privacy rules that are settings: minimum group and retention."""

from datetime import timedelta

from django.conf import settings

# PIPL practice and our design rule: no aggregate over fewer than five people,
# whatever the setting says.
MIN_GROUP_FLOOR = 5


def min_group() -> int:
    """The smallest group HR may see: the setting, but never below 5."""
    return max(MIN_GROUP_FLOOR, int(settings.LIANXIN_WELLBEING_MIN_GROUP))


def retention() -> timedelta:
    return timedelta(days=int(settings.LIANXIN_WELLBEING_RETENTION_DAYS))

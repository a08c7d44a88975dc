"""drf-spectacular hooks: the schema describes the records API and nothing else."""


def only_records_api(endpoints, **kwargs):
    """Leave out every DRF view but ours (Wagtail's admin API uses DRF too)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]

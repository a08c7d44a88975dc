"""Competency services (the Competencies part of the Assessments issue)."""


def framework_ensure_default() -> None:
    """Create the default 社区工作者能力框架 if it is missing (runs on migrate)."""

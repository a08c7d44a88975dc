"""Writes for courses, one module per area: learning (enrolment, progress,
completion), ledger (training hours), offline (sessions and attendance)."""

"""Django admin registrations of this area."""

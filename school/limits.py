"""Limits that belong to a column: forms and services read them here, never as copies."""


def model_limit(model, name: str) -> int:
    """A model field's ``max_length``."""
    return model._meta.get_field(name).max_length

"""The learning record\x27s writes."""

# Markers around a match in a snippet: control characters that escaping leaves alone and
# that ``search.highlight`` turns into <mark> only after the text is escaped.
START = "\x02"
STOP = "\x03"

"""Services that send: ``digests`` (the weekly digest and its runs), ``nudges`` (commitments
due, unanswered logs, quiet members, facilitators' waiting work), ``responses`` ("someone
responded to your log", batched), ``unsubscribe`` (signed one-click links) and
``enqueue`` (publishing tasks without ever failing the caller)."""

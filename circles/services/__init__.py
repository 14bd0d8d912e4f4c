"""Services that write: ``memberships`` (joining, requests, invites), ``logs`` (drafts,
publishing, follow-ups) and ``responses`` (peer responses, helpful marks)."""

"""Analysis: attribution and origins, quantities, reconciliation, corroboration and what changed.
Tidy frames out; headings and display wording belong to the views."""

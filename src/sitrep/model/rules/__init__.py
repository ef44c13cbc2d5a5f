"""Rules: the domain checks run on loaded facts (one registry), and the takeaway checks."""

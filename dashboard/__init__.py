"""Social-welfare analytics dashboard of the Municipality of Mitrovica South."""

"""Finding papers: the query language, the keyword index and its ranking. Reads the store; indexes follow it."""

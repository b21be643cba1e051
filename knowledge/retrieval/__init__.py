"""Search over the published documents: retrieval units, embeddings and their cache, the FAISS and
BM25 index, the hybrid search and the live, swappable searcher of a process."""

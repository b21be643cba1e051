"""Knowledge layer of Trợ lý dịch vụ công: documents → chunks → embeddings → index → search.

Kept import-light on purpose: the Rasa environment imports `knowledge.text` for its
diacritics-insensitive tokenizer, so nothing heavy may be imported here.
"""

"""What staff do to the knowledge: documents with history, the checks on a save, bulk import and
export (Markdown, CSV, catalogue, Word), the documents the forms rely on, publishing to the live
index, the maintenance notice."""

from knowledge.retrieval.chunks import split_body


def test_split_body_groups_paragraphs_under_the_word_limit() -> None:
    body = "\n\n".join(["một hai ba bốn năm"] * 5)  # 5 paragraphs of 5 words
    assert [len(c.split()) for c in split_body(body, max_words=10)] == [10, 10, 5]


def test_split_body_keeps_an_oversized_paragraph_whole() -> None:
    body = " ".join(["từ"] * 50)
    assert split_body(body, max_words=10) == [body]

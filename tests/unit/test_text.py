from shared.text import fold_diacritics, lexical_terms, normalize_for_matching


def test_fold_removes_vietnamese_marks_and_d_bar() -> None:
    assert fold_diacritics("Đăng nhập VNeID bị lỗi") == "Dang nhap VNeID bi loi"
    assert fold_diacritics("chữ ký số") == "chu ky so"


def test_fold_keeps_length_so_offsets_stay_valid() -> None:
    text = "Quên mật khẩu, đổi số điện thoại?"
    assert len(fold_diacritics(text)) == len(text)


def test_fold_of_decomposed_input_matches_precomposed() -> None:
    decomposed = "the\u0302m"  # "thêm" typed with a combining circumflex
    assert normalize_for_matching(decomposed) == normalize_for_matching("thêm") == "them"


def test_lexical_terms_add_bigrams_over_folded_syllables() -> None:
    assert lexical_terms("Mật khẩu") == ["mat", "khau", "mat_khau"]
    assert lexical_terms("🙂🙂") == []

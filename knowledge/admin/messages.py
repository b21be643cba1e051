"""Texts shown to support staff by the admin API and page, in one place."""

NOT_FOUND = "Không tìm thấy tài liệu '{id}'."
VERSION_NOT_FOUND = "Tài liệu '{id}' không có phiên bản {version}."
ALREADY_EXISTS = "Đã có tài liệu mã '{id}'."
STALE_VERSION = (
    "Tài liệu '{id}' đã được người khác sửa (phiên bản hiện tại {current}, bạn sửa từ phiên bản "
    "{given}). Hãy tải lại, xem thay đổi của họ rồi sửa lại."
)
INVALID_DOCUMENT = "Tài liệu chưa hợp lệ."
INVALID_ARCHIVE = "Tệp tải lên chưa hợp lệ; không có gì được lưu."
TOO_LARGE = "Nội dung quá lớn (tối đa {limit} byte)."
ID_MISMATCH = "Mã tài liệu trong nội dung ('{given}') khác với địa chỉ ('{id}')."
PUBLISH_FAILED = "Không xây dựng được chỉ mục mới; chỉ mục cũ vẫn đang phục vụ. Chi tiết: {reason}"
NOT_SEEDED = (
    "Chưa thể xuất bản: bot đang trả lời bằng {count} tài liệu của kho (kb/documents) mà cơ sở dữ "
    "liệu chưa có, xuất bản bây giờ sẽ gỡ chúng. Hãy nạp tài liệu từ kho trước (nút “Nạp tài liệu "
    "từ kho” hoặc lệnh kb import)."
)
LOGIN_FAILED = "Sai tên đăng nhập hoặc mật khẩu."
LOGIN_LOCKED = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây."
NOT_AUTHENTICATED = "Bạn cần đăng nhập."
SESSION_EXPIRED = "Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại."
FORBIDDEN = "Tài khoản của bạn chỉ được xem, không được sửa hay xuất bản."
CSRF_FAILED = "Yêu cầu không hợp lệ (thiếu mã chống giả mạo). Vui lòng tải lại trang."
QUESTIONS_NOT_FOUND = "Không tìm thấy câu hỏi: {ids}."
RECORDS_UNAUTHORIZED = "Chỉ máy chủ hành động của trợ lý được ghi phản hồi và yêu cầu hỗ trợ."
RECORDS_TOO_MANY = "Quá nhiều bản ghi trong một phút; vui lòng thử lại sau."
DATABASE_BUSY = "Cơ sở dữ liệu đang bận. Vui lòng thử lại sau ít giây."

# The document rules' own texts are in knowledge/retrieval/document_rules.py.
NOT_ROUND_TRIPPABLE = "nội dung có ký tự không lưu được thành tệp Markdown (ký tự điều khiển?)"

# Notices of the admin page, chosen by key (?notice=...) so no text is reflected from the URL.
NOTICES = {
    "saved": "Đã lưu bản nháp. Bấm “Xuất bản” để bot dùng nội dung mới.",
    "created": "Đã tạo tài liệu (bản nháp).",
    "deleted": "Đã xoá tài liệu; bot sẽ thôi dùng nó sau lần xuất bản tới.",
    "rolled_back": "Đã khôi phục phiên bản cũ thành một phiên bản mới (bản nháp).",
    "published": "Đã xuất bản. Bot đang trả lời bằng nội dung mới.",
    "imported": "Đã nhập tài liệu (bản nháp).",
    "seeded": "Đã nạp và xuất bản tài liệu từ kho.",
    "resolved": "Đã đóng các câu hỏi.",
    "wording_added": "Đã thêm cách hỏi vào tài liệu (bản nháp) và đóng các câu hỏi.",
    "logged_out": "Bạn đã đăng xuất.",
}

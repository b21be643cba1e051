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
# An uploaded ZIP or Word file whose parts inflate past the limits (knowledge/content/archive_limits.py).
INFLATED_MEMBER_TOO_LARGE = (
    "Phần “{name}” trong tệp tải lên khi giải nén vượt quá {limit} MB, mức tối đa cho mỗi "
    "phần; không có gì được lưu."
)
INFLATED_TOTAL_TOO_LARGE = (
    "Các phần trong tệp tải lên khi giải nén vượt quá {limit} MB, mức tối đa cho cả tệp; "
    "không có gì được lưu."
)
DOCX_TOO_MANY_PARAGRAPHS = (
    "Tệp Word có {count} đoạn văn, vượt quá {limit} đoạn cho một lần nhập; không có gì "
    "được lưu. Bạn hãy chia danh mục thành nhiều tệp hoặc dùng tệp CSV/JSON."
)
ARCHIVE_TOO_MANY_MEMBERS = (
    "Tệp tải lên có {count} phần, nhiều hơn mức tối đa {limit}; không có gì được lưu."
)
ARCHIVE_SIZE_MISMATCH = (
    "{name}: kích thước khai báo ({declared} byte) khác kích thước thật ({actual} byte)"
)
ID_MISMATCH = "Mã tài liệu trong nội dung ('{given}') khác với địa chỉ ('{id}')."
PUBLISH_FAILED = "Không xây dựng được chỉ mục mới; chỉ mục cũ vẫn đang phục vụ. Chi tiết: {reason}"
NOT_SEEDED = (
    "Chưa thể xuất bản: bot đang trả lời bằng {count} tài liệu của kho (kb/documents) mà cơ sở dữ "
    "liệu chưa có, xuất bản bây giờ sẽ gỡ chúng. Hãy nạp tài liệu từ kho trước (nút “Nạp tài liệu "
    "từ kho” hoặc lệnh kb import)."
)
# Documents a form fetches by id (shared/required_documents.py): staff may edit, not remove them.
REQUIRED_FORM_NAMES = {
    "level4_form": "phần hướng dẫn nộp hồ sơ trực tuyến toàn trình",
    "signature_form": "phần tư vấn chọn chữ ký số",
    "vneid_login_form": "phần hỗ trợ lỗi đăng nhập VNeID",
    "maintenance_notice": "thông báo bảo trì (các kênh liên hệ cán bộ)",
}
REQUIRED_DOCUMENT_DELETE = (
    "Không xoá được tài liệu '{id}' ({title}): trợ lý lấy nội dung từ tài liệu này cho "
    "{forms}; xoá đi thì phần đó sẽ không trả lời được. Bạn vẫn sửa được nội dung. "
    "Không có gì thay đổi."
)
REQUIRED_DOCUMENT_PUBLISH = (
    "Chưa thể xuất bản: lần xuất bản này sẽ gỡ khỏi bot tài liệu mà trợ lý cần: {documents}. "
    "Hãy mở trang lịch sử của tài liệu (/admin/documents/<mã>/history), bấm “Khôi phục bản "
    "này” ở phiên bản trước khi xoá, rồi xuất bản lại. Không có gì thay đổi."
)
REQUIRED_DOCUMENT_ITEM = "'{id}' (cho {forms})"
LOGIN_FAILED = "Sai tên đăng nhập hoặc mật khẩu."
LOGIN_LOCKED = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây."
LOGIN_BUSY = (
    "Hệ thống đang kiểm tra nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau {seconds} giây."
)
NOT_AUTHENTICATED = "Bạn cần đăng nhập."
SESSION_EXPIRED = "Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại."
FORBIDDEN = "Tài khoản của bạn chỉ được xem, không được sửa hay xuất bản."
CSRF_FAILED = "Yêu cầu không hợp lệ (thiếu mã chống giả mạo). Vui lòng tải lại trang."
QUESTIONS_NOT_FOUND = "Không tìm thấy câu hỏi: {ids}."
RECORDS_UNAUTHORIZED = "Chỉ máy chủ hành động của trợ lý được ghi phản hồi và yêu cầu hỗ trợ."
RECORDS_TOO_MANY = "Quá nhiều bản ghi trong một phút; vui lòng thử lại sau."
DATABASE_BUSY = "Cơ sở dữ liệu đang bận. Vui lòng thử lại sau ít giây."
TURNS_REFUSED = "Không lưu lượt nào của lô này: thời gian của một số lượt không thể đúng."
TURN_IN_FUTURE = "muộn hơn giờ máy chủ quá 1 ngày (đồng hồ của máy gửi bị sai?)"
TURN_TOO_OLD = "sớm hơn {earliest} (giờ Việt Nam), mốc cũ nhất được lưu giữ"

# The dashboard (/admin/dashboard and its CSV export): the bot's turns as staff name them.
TURN_STATUS_NAMES = {
    "answered": "Trả lời",
    "no_verified_content": "Chưa có thông tin kiểm chứng",
    "not_found": "Chưa trả lời được",
    "clarified": "Hỏi lại để chọn",
    "out_of_scope": "Ngoài phạm vi",
    "unavailable": "Hệ thống gián đoạn",
    "handed_over": "Chuyển cán bộ",
    "warning": "Cảnh báo",
    "other": "Khác",
}
DASHBOARD_BAD_DAY = (
    "Ngày “{value}” không hợp lệ. Hãy chọn ngày trên lịch hoặc gõ theo dạng ngày/tháng/năm, "
    "ví dụ 01/12/2026."
)
DASHBOARD_DAY_OUT_OF_RANGE = "Ngày phải nằm trong khoảng từ năm {first} đến năm {last}."
DASHBOARD_END_BEFORE_START = "“Đến ngày” phải trùng hoặc sau “Từ ngày”."
DASHBOARD_TOO_LONG = "Mỗi lần chỉ xem được tối đa {days} ngày; hãy chọn khoảng ngắn hơn."
DASHBOARD_CSV_COLUMNS = ("Mục", "Ngày", "Mã tài liệu", "Nội dung", "Chỉ số", "Giá trị")
DASHBOARD_CSV_LABELS = {
    "period": "Khoảng thời gian",
    "from": "Từ ngày",
    "to": "Đến ngày",
    "exported": "Xuất lúc (giờ Việt Nam)",
    "totals": "Cả khoảng",
    "day": "Theo ngày",
    "conversations": "Cuộc trò chuyện",
    "turns": "Lượt trả lời của bot",
    "count": "{status} (lượt)",
    "share": "{status} (%)",
    "documents": "Tài liệu dùng để trả lời",
    "answers": "Số lần trả lời",
    "feedback": "Đánh giá của người dân",
    "helpful": "👍 Hữu ích",
    "not_helpful": "👎 Chưa hữu ích",
    "unanswered": "Câu hỏi chưa trả lời được (đang chờ)",
    "questions": "Số câu hỏi",
    "handoffs": "Chuyển cán bộ",
    "requests": "Số yêu cầu",
    "claimed": "Đã có cán bộ nhận",
    "abandoned": "Người dân rời đi trước khi xong",
    "rated": "Được đánh giá",
    "median_wait_seconds": "Thời gian chờ trung vị (giây)",
    "p90_wait_seconds": "Thời gian chờ phân vị 90 (giây)",
    "median_handling_seconds": "Thời gian xử lý trung vị (giây)",
    "helpful_share": "Đánh giá hữu ích (%)",
}

# The document rules' own texts are in knowledge/documents/rules.py.
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

HANDOFF_NOT_FOUND = "Không tìm thấy yêu cầu hỗ trợ số {id}."
HANDOFF_TAKEN = "Yêu cầu này đã có cán bộ khác nhận ({by})."
HANDOFF_NOT_YOURS = "Bạn chưa nhận yêu cầu này nên chưa trả lời được; hãy bấm “Nhận” trước."
HANDOFF_ENDED = "Cuộc trò chuyện này đã kết thúc ({status}); không gửi thêm được."
NO_OPEN_HANDOFF = "Cuộc trò chuyện này không có yêu cầu hỗ trợ nào đang mở."
CHAT_SERVER_DOWN = (
    "Máy chủ trò chuyện chưa phản hồi nên chưa {action} được; không có gì thay đổi. "
    "Vui lòng thử lại sau ít giây."
)
HANDOFF_TOO_MANY_OPEN = (
    "Đã có {limit} yêu cầu gặp cán bộ đang mở từ cùng một địa chỉ mạng; chưa mở thêm được "
    "cho tới khi cán bộ xử lý xong một yêu cầu."
)
# Staff see a handoff by its number, never by the conversation id (the citizen's session secret).
HANDOFF_CITIZEN_LABEL = "Người dân #{id}"
DISPLAY_NAME_PERSONAL = (
    "Tên hiển thị không được chứa thông tin cá nhân (số điện thoại, số định danh, mật khẩu "
    "hay mã bí mật): người dân nào cũng thấy tên này. Hãy dùng tên gọi hoặc số hiệu, ví dụ: "
    "Lan, hoặc Cán bộ số 3."
)
PERSONAL_DATA_KINDS = {
    "phone": "có số điện thoại",
    "id_number": "có số định danh cá nhân",
    "secret": "có mật khẩu hoặc mã bí mật",
}

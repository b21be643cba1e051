"""The knowledge documents the bot fetches by id, declared once.

The guided forms (and the maintenance notice) do not search: they ask for these documents by
id, so one missing turns the form's answer into "no answer". The actions take their ids from
here, and the knowledge service refuses to delete a document named here or to publish
without it (knowledge/content/protected_documents.py). Standard library only: the action server
and the knowledge service both import it.
"""

# The level-4 ("toàn trình") form: how to find a procedure, and the steps around any of them.
FIND_PROCEDURE_DOCUMENT = "dvc-tim-thu-tuc"
SUBMISSION_DOCUMENT = "dvc-nop-ho-so-truc-tuyen"
PAYMENT_DOCUMENT = "dvc-thanh-toan-truc-tuyen"
DELIVERY_DOCUMENT = "dvc-nhan-ket-qua-buu-chinh"
PROVINCIAL_LOGIN_DOCUMENT = "vneid-dang-nhap-cong-dvc-tinh"

# The digital-signature form: the document for each carrier (the `signature_carrier` slot's
# values), the one for a private individual who needs no signature, and the two its closing
# response (`utter_signature_next_steps` in bot/domain.yml) offers as buttons.
DOCUMENT_FOR_CARRIER = {
    "token": "cks-usb-token",
    "sim": "cks-sim-ca",
    "remote": "cks-ky-so-tu-xa",
    "unsure": "cks-chon-loai-phu-hop",
}
NO_SIGNATURE_NEEDED_DOCUMENT = "cks-khi-nao-can"
SIGNATURE_NEXT_STEP_DOCUMENTS = ("cks-chi-phi", "cks-dang-ky-giay-to")

# The VNeID login form: the document that resolves each failing step (the `login_step` slot's
# values).
DOCUMENT_FOR_LOGIN_STEP = {
    "activation": "vneid-kich-hoat-tai-khoan",
    "otp": "vneid-khong-nhan-duoc-otp",
    "password": "vneid-quen-mat-khau",
    "passcode": "vneid-quen-passcode",
    "new_phone": "vneid-dien-thoai-moi-nfc",
    "lost_phone": "vneid-mat-dien-thoai-khoa-tai-khoan",
    "qr_login": "vneid-dang-nhap-dvc-quoc-gia-qr",
}

# The maintenance notice: the human channels shown under it.
CONTACTS_DOCUMENT = "hotro-lien-he-nhan-vien"

# Who relies on what: a form's (or feature's) name → the documents it fetches by id.
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "level4_form": (
        FIND_PROCEDURE_DOCUMENT,
        SUBMISSION_DOCUMENT,
        PAYMENT_DOCUMENT,
        DELIVERY_DOCUMENT,
        PROVINCIAL_LOGIN_DOCUMENT,
    ),
    "signature_form": (
        *DOCUMENT_FOR_CARRIER.values(),
        NO_SIGNATURE_NEEDED_DOCUMENT,
        *SIGNATURE_NEXT_STEP_DOCUMENTS,
    ),
    "vneid_login_form": tuple(DOCUMENT_FOR_LOGIN_STEP.values()),
    "maintenance_notice": (CONTACTS_DOCUMENT,),
}


def required_document_ids() -> list[str]:
    """Every declared id once, sorted."""
    return sorted({document_id for ids in REQUIRED_DOCUMENTS.values() for document_id in ids})


def forms_needing(document_id: str) -> list[str]:
    """The forms that fetch this document; empty when staff may remove it freely."""
    return [form for form, ids in REQUIRED_DOCUMENTS.items() if document_id in ids]

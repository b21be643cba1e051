"""Custom Rasa actions (rasa-sdk, Python 3.11). Kept thin: read tracker, call one client, dispatch."""

from actions.answer_question import ActionAnswerQuestion
from actions.feedback import ActionRecordFeedback
from actions.form_pause import ActionPauseForm
from actions.form_questions import (
    AskHasNfc,
    AskLoginStep,
    AskServicePortal,
    AskSignatureCarrier,
    AskSignatureHolder,
    AskSignaturePurpose,
)
from actions.handoff import ActionHandoff
from actions.level4_form import ActionLevel4Advice, ValidateLevel4Form
from actions.signature_form import ActionSignatureAdvice, ValidateSignatureForm
from actions.vneid_login_form import ActionVneidLoginAdvice, ValidateVneidLoginForm

__all__ = [
    "ActionAnswerQuestion",
    "ActionHandoff",
    "ActionLevel4Advice",
    "ActionPauseForm",
    "ActionRecordFeedback",
    "ActionSignatureAdvice",
    "ActionVneidLoginAdvice",
    "AskHasNfc",
    "AskLoginStep",
    "AskServicePortal",
    "AskSignatureCarrier",
    "AskSignatureHolder",
    "AskSignaturePurpose",
    "ValidateLevel4Form",
    "ValidateSignatureForm",
    "ValidateVneidLoginForm",
]

"""A whitespace tokenizer whose tokens are diacritics-folded and lower-cased.

Citizens type "dang nhap" as often as "đăng nhập"; folding the token text makes every
featurizer downstream see one word, without doubling each training example by hand.
Token offsets are untouched (folding maps one character to one), so entities still work.
"""

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from shared.text import normalize_for_matching


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(WhitespaceTokenizer):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return WhitespaceTokenizer.get_default_config()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            folded = normalize_for_matching(token.text)
            token.text = folded
            token.lemma = folded
        return tokens

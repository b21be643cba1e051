"""Rasa's DIETClassifier, loaded for prediction without a training step.

Rasa's `RasaModel.load` builds the network by fitting it on one example, then overwrites the
weights from the checkpoint. Tracing that training step took about 25 of the 30 seconds Rasa
needed to load this bot's model on two cores, on every start of the service. Here the network
is built by the one warm-up prediction Rasa makes anyway, and the checkpoint is restored as
the variables are created (TensorFlow's deferred restoration). The optimizer's slots in the
checkpoint are left unread: a served model never trains. Training, and loading for
fine-tuning, are Rasa's own.
"""

from typing import Any

import tensorflow as tf
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel


class QuickLoadingDIET(DIET):
    """DIET whose `load` restores the weights into the network a prediction builds."""

    @classmethod
    def load(
        cls,
        model_file_name: str,
        model_data_example: RasaModelData,
        predict_data_example: RasaModelData | None = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> "RasaModel":
        if finetune_mode or predict_data_example is None:
            return super().load(
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        model = cls(*args, **kwargs)
        config = kwargs.get("config", {})
        model.compile(
            optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
            run_eagerly=config.get(RUN_EAGERLY),
        )
        status = model.load_weights(model_file_name)
        model.run_inference(predict_data_example)
        status.expect_partial()
        status.assert_existing_objects_matched()
        return model


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class QuickLoadingDIETClassifier(DIETClassifier):
    """DIETClassifier with the quick load above; trains exactly as Rasa's."""

    @staticmethod
    def model_class() -> type[RasaModel]:
        return QuickLoadingDIET

"""Honest numbers for the pretrained models: what a generator really produces, measured.

* `evaluation.judges`: the MNIST classifier and the facade parser that judge generated images;
* `evaluation.mnist`: conditional accuracy, confidence and class balance, MNIST-FID (lessons
  01, 02);
* `evaluation.pix2pix`: L1 / PSNR / SSIM and the parser's structure score against trivial
  baselines, and the cost of int8 storage (lessons 03, 04, 05);
* `evaluation.snapshots`: scoring a run's generator snapshots to choose the one to ship;
* `evaluation.cli`: `python -m course_lib eval MODEL`.

The pure metrics live in `course_lib.metrics` (re-exported here with `pixels.to_unit`, so
`evaluation.psnr_per_image(...)` works as it always did); training the judges is
`tools/train_judges.py`. Code inside course_lib imports from the submodules instead.
"""

from course_lib.evaluation.judges import (
    CMP_CLASSES,
    CMP_PALETTE,
    PARSER_SIZE,
    classifier_accuracy,
    evaluate_judge,
    facade_pairs,
    facade_parser,
    feature_extractor,
    features,
    label_map_to_classes,
    mnist_arrays,
    mnist_classifier,
    parser_accuracy,
    parser_inputs,
    parser_targets,
    predict_probabilities,
)
from course_lib.evaluation.mnist import (
    CGAN_ACCURACY_BAR,
    GAN_CONFIDENCE_BAR,
    GAN_MIN_SHARE_BAR,
    conditional_accuracy,
    evaluate_mnist_generator,
    mnist_bars,
    sample_quality,
    score_mnist_generator,
)
from course_lib.evaluation.pix2pix import (
    EVAL_SPLIT,
    FACADES_PSNR_BAR_DB,
    evaluate_pix2pix,
    int8_effect,
    mean_training_photo,
    measure_int8,
    pix2pix_files,
    pix2pix_pairs,
    report_images,
    translate_all,
)
from course_lib.evaluation.snapshots import best_snapshot, score_snapshots
from course_lib.metrics import (
    PSNR_CAP_DB,
    frechet_distance,
    image_metrics,
    l1_per_image,
    l1_psnr,
    psnr_per_image,
    ssim_per_image,
    summarize_metrics,
)
from course_lib.models import NUM_CLASSES
from course_lib.pixels import to_unit

__all__ = [
    "CGAN_ACCURACY_BAR", "CMP_CLASSES", "CMP_PALETTE", "EVAL_SPLIT", "FACADES_PSNR_BAR_DB",
    "GAN_CONFIDENCE_BAR", "GAN_MIN_SHARE_BAR", "NUM_CLASSES", "PARSER_SIZE", "PSNR_CAP_DB",
    "best_snapshot", "classifier_accuracy", "conditional_accuracy", "evaluate_judge",
    "evaluate_mnist_generator", "evaluate_pix2pix", "facade_pairs", "facade_parser",
    "feature_extractor", "features", "frechet_distance", "image_metrics", "int8_effect",
    "l1_per_image", "l1_psnr", "label_map_to_classes", "mean_training_photo", "measure_int8",
    "mnist_arrays", "mnist_bars", "mnist_classifier", "parser_accuracy", "parser_inputs",
    "parser_targets", "pix2pix_files", "pix2pix_pairs", "predict_probabilities",
    "psnr_per_image", "report_images", "sample_quality", "score_mnist_generator",
    "score_snapshots", "ssim_per_image", "summarize_metrics", "to_unit", "translate_all",
]

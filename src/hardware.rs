//! The accelerator catalog: dense peak throughput per chip by number format, so a scenario can
//! say `gpu = "H100-SXM"` instead of looking up `peak_tflops`.
//!
//! Every figure is the vendor's dense peak (no structured sparsity), in TFLOP/s per chip:
//! - A100 SXM: NVIDIA A100 datasheet (BF16/FP16 312, TF32 156).
//! - H100 SXM: NVIDIA H100 datasheet (BF16 989, FP8 1979, TF32 494); the Llama 3 paper uses 989.
//! - H100 PCIe: NVIDIA H100 datasheet (BF16 756, FP8 1513, TF32 378).
//! - H800: the export variant of the H100 SXM, same tensor cores (BF16 989, FP8 1979); DeepSeek-V3
//!   report.
//! - H200: H100 silicon with more HBM (BF16 989, FP8 1979); NVIDIA H200 datasheet.
//! - B200: NVIDIA DGX B200 / HGX B200 figures per GPU (BF16 2250, FP8 4500, FP4 9000).
//! - GB200: NVIDIA GB200 NVL72 figures divided by 72 GPUs (BF16 2500, FP8 5000, FP4 10000).
//! - MI300X: AMD Instinct MI300X datasheet (BF16/FP16 1307, FP8 2615).
//! - TPU v4: Google Cloud TPU v4 documentation (BF16 275).
//! - TPU v5e: Google Cloud TPU v5e documentation (BF16 197).
//! - TPU v5p: Google Cloud TPU v5p documentation (BF16 459).

/// (name, [(precision, peak TFLOP/s)]).
pub const CATALOG: &[(&str, &[(&str, f64)])] = &[
    ("A100", &[("bf16", 312.0), ("fp16", 312.0), ("tf32", 156.0)]),
    (
        "H100-SXM",
        &[
            ("bf16", 989.0),
            ("fp16", 989.0),
            ("fp8", 1979.0),
            ("tf32", 494.0),
        ],
    ),
    (
        "H100-PCIe",
        &[
            ("bf16", 756.0),
            ("fp16", 756.0),
            ("fp8", 1513.0),
            ("tf32", 378.0),
        ],
    ),
    (
        "H800",
        &[
            ("bf16", 989.0),
            ("fp16", 989.0),
            ("fp8", 1979.0),
            ("tf32", 494.0),
        ],
    ),
    (
        "H200",
        &[
            ("bf16", 989.0),
            ("fp16", 989.0),
            ("fp8", 1979.0),
            ("tf32", 494.0),
        ],
    ),
    (
        "B200",
        &[
            ("bf16", 2250.0),
            ("fp16", 2250.0),
            ("fp8", 4500.0),
            ("fp4", 9000.0),
        ],
    ),
    (
        "GB200",
        &[
            ("bf16", 2500.0),
            ("fp16", 2500.0),
            ("fp8", 5000.0),
            ("fp4", 10000.0),
        ],
    ),
    (
        "MI300X",
        &[("bf16", 1307.0), ("fp16", 1307.0), ("fp8", 2615.0)],
    ),
    ("TPU-v4", &[("bf16", 275.0)]),
    ("TPU-v5e", &[("bf16", 197.0)]),
    ("TPU-v5p", &[("bf16", 459.0)]),
];

/// Why a catalog lookup failed, with what is known, for the scenario reader's message.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    UnknownGpu {
        known: Vec<&'static str>,
    },
    UnknownPrecision {
        gpu: &'static str,
        known: Vec<&'static str>,
    },
}

/// Peak dense TFLOP/s of `gpu` at `precision`; names match without regard to case.
pub fn peak_tflops(gpu: &str, precision: &str) -> Result<f64, Lookup> {
    let (name, formats) = CATALOG
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(gpu))
        .ok_or_else(|| Lookup::UnknownGpu {
            known: CATALOG.iter().map(|(n, _)| *n).collect(),
        })?;
    formats
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(precision))
        .map(|(_, tflops)| *tflops)
        .ok_or_else(|| Lookup::UnknownPrecision {
            gpu: name,
            known: formats.iter().map(|(p, _)| *p).collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_figures() {
        assert_eq!(peak_tflops("H100-SXM", "bf16"), Ok(989.0));
        assert_eq!(peak_tflops("h100-sxm", "FP8"), Ok(1979.0));
        assert_eq!(peak_tflops("A100", "bf16"), Ok(312.0));
        assert_eq!(peak_tflops("TPU-v4", "bf16"), Ok(275.0));
        assert_eq!(peak_tflops("B200", "fp8"), Ok(4500.0));
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let Err(Lookup::UnknownGpu { known }) = peak_tflops("H1000", "bf16") else {
            panic!()
        };
        assert!(known.contains(&"H100-SXM") && known.contains(&"MI300X"));
        let Err(Lookup::UnknownPrecision { known, .. }) = peak_tflops("TPU-v4", "fp8") else {
            panic!()
        };
        assert_eq!(known, vec!["bf16"]);
    }
}

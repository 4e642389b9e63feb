//! The accelerator catalog: dense peak throughput per chip by number format, so a scenario can
//! say `gpu = "H100-SXM"` instead of looking up `peak_tflops`.
//!
//! Every figure is the vendor's dense peak (no structured sparsity) in TFLOP/s per chip: per
//! TPU chip (not per TensorCore), per GPU for rack systems (GB200/GB300 NVL72 figures divided by
//! 72), halved where the vendor quotes only sparse figures. Utilisation is always measured against
//! one of these at a stated precision. Cross-checked against the Epoch AI chip dataset (Epoch AI,
//! "Data on AI Models", epoch.ai, CC BY 4.0; snapshot of 2025-06), which supplied release dates;
//! where the two differ the entry's comment says which figure was kept and why.
//!
//! Sources, one per chip:
//! - V100: NVIDIA V100 datasheet, SXM2 (tensor FP16 125, no BF16); Epoch "NVIDIA Tesla V100 SXM2".
//! - V100-PCIe: NVIDIA V100 datasheet, PCIe (tensor FP16 112); Epoch "NVIDIA Tesla V100 PCIe".
//! - V100S: Epoch "NVIDIA Tesla V100S PCIe 32 GB" (tensor FP16 130, from TechPowerUp).
//! - A100: NVIDIA A100 datasheet (BF16/FP16 312, TF32 156), as in Epoch "NVIDIA A100".
//! - A800: Epoch "NVIDIA A800 PCIe" (FP16 312) and "NVIDIA A800 SXM" (311.8, TF32 155.9).
//! - H100-SXM: NVIDIA H100 datasheet (BF16 989, FP8 1979, TF32 494); the Llama 3 paper uses 989.
//! - H100-PCIe: NVIDIA H100 datasheet (BF16 756, FP8 1513, TF32 378).
//! - H100-NVL: NVIDIA H100 NVL product brief PB-11773, as in Epoch "NVIDIA H100 NVL" (FP16 835.5).
//! - H800: H100 SXM tensor cores (BF16 989, FP8 1979), Epoch "NVIDIA H800 SXM5" and DeepSeek-V3.
//! - H200: NVIDIA H200 datasheet (SC23), as in Epoch "NVIDIA H200 SXM" (BF16 989.5, TF32 494.5).
//! - GH200: NVIDIA Grace Hopper datasheet, as in Epoch "NVIDIA GH200" (BF16 989.5, TF32 494.5).
//! - B200: NVIDIA HGX B200 specifications per GPU (BF16 2250, FP8 4500, FP4 9000, TF32 1125).
//! - B300: NVIDIA HGX/DGX B300 specifications per GPU (BF16 2250, FP8 4500, TF32 1125).
//! - GB200: NVIDIA GB200 NVL72 specifications ÷ 72 GPUs (BF16 2500, FP8 5000, FP4 10000).
//! - GB300: NVIDIA GB300 NVL72 specifications ÷ 72; "Inside NVIDIA Blackwell Ultra" (FP4 15000).
//! - TPU-v2: Epoch "Google TPU v2" (BF16 45 per chip, from Jouppi et al., CACM 2020).
//! - TPU-v3: Google Cloud TPU v3 documentation (BF16 123 per chip).
//! - TPU-v4: Google Cloud TPU v4 documentation (BF16 275 per chip).
//! - TPU-v5e: Google Cloud TPU v5e documentation (BF16 197 per chip).
//! - TPU-v5p: Google Cloud TPU v5p documentation (BF16 459 per chip).
//! - TPU-v6e: Google Cloud TPU v6e (Trillium) documentation (BF16 918 per chip).
//! - MI250X: AMD Instinct MI250X specifications (FP16/BF16 383), as in Epoch.
//! - MI300X: AMD Instinct MI300X datasheet (BF16/FP16 1307.4, FP8 2614.9, TF32 653.7).
//! - MI325X: AMD Instinct MI325X specifications (same CDNA 3 compute as MI300X).
//! - Gaudi2: Intel, "Intel Gaudi 3 AI Accelerator", Hot Chips 2024 (BF16 432); Epoch (FP8 865).
//! - Gaudi3: Intel, "Intel Gaudi 3 AI Accelerator", Hot Chips 2024 (BF16 and FP8 matrix 1835).
//! - Trainium1: AWS Neuron documentation, Trainium architecture (190 FP16/BF16/cFP8/TF32).
//! - Trainium2: AWS Neuron documentation, Trainium2 architecture (667 BF16/FP16/TF32, 1299 FP8).

use strsim::levenshtein as edit_distance;

/// One accelerator: its dense peaks per number format and where they come from.
#[derive(Debug, PartialEq)]
pub struct Chip {
    pub name: &'static str,
    /// First release or launch, YYYY-MM.
    pub released: &'static str,
    /// (format, dense peak TFLOP/s per chip); only floating-point formats.
    pub peaks: &'static [(&'static str, f64)],
    pub source: &'static str,
}

pub const CATALOG: &[Chip] = &[
    Chip {
        name: "V100",
        released: "2017-06",
        // Volta has no BF16; its tensor cores run FP16 only.
        peaks: &[("fp16", 125.0)],
        source: "NVIDIA V100 datasheet (SXM2)",
    },
    Chip {
        name: "V100-PCIe",
        released: "2017-06",
        // Lower clocks than the SXM2 part, hence its own entry.
        peaks: &[("fp16", 112.0)],
        source: "NVIDIA V100 datasheet (PCIe)",
    },
    Chip {
        name: "V100S",
        released: "2019-11",
        // Higher clocks than the V100 PCIe. Only the Epoch row was read for this figure.
        peaks: &[("fp16", 130.0)],
        source: "Epoch chip dataset, NVIDIA Tesla V100S PCIe 32 GB (TechPowerUp)",
    },
    Chip {
        name: "A100",
        released: "2020-05",
        // SXM4 and PCIe, 40 and 80 GB, share these peaks (Epoch rows for all four agree).
        peaks: &[("bf16", 312.0), ("fp16", 312.0), ("tf32", 156.0)],
        source: "NVIDIA A100 datasheet",
    },
    Chip {
        name: "A800",
        // Epoch dates the SXM part 2022-08 (TechPowerUp) and the PCIe part 2022-11; the
        // later date is the one both forms share.
        released: "2022-11",
        // Epoch's 311.8 and 155.9 are the same peaks as the A100's 312 and 156 to rounding.
        peaks: &[("bf16", 312.0), ("fp16", 312.0), ("tf32", 156.0)],
        source: "Epoch chip dataset, NVIDIA A800 SXM and A800 PCIe",
    },
    Chip {
        name: "H100-SXM",
        released: "2022-09",
        peaks: &[
            ("bf16", 989.0),
            ("fp16", 989.0),
            ("fp8", 1979.0),
            ("tf32", 494.0),
        ],
        source: "NVIDIA H100 datasheet (SXM)",
    },
    Chip {
        name: "H100-PCIe",
        released: "2022-09",
        peaks: &[
            ("bf16", 756.0),
            ("fp16", 756.0),
            ("fp8", 1513.0),
            ("tf32", 378.0),
        ],
        source: "NVIDIA H100 datasheet (PCIe)",
    },
    Chip {
        name: "H100-NVL",
        // Epoch's date; NVIDIA first showed the NVL pair earlier, so this may be late.
        released: "2024-03",
        // Only the FP16 figure could be read (Epoch); FP8 and TF32 are left out rather than
        // scaled from it.
        peaks: &[("bf16", 835.5), ("fp16", 835.5)],
        source: "NVIDIA H100 NVL product brief PB-11773, via Epoch chip dataset",
    },
    Chip {
        name: "H800",
        released: "2023-03",
        // Epoch lists TF32 454.5 (TechPowerUp), which disagrees with the 494 of the same
        // tensor cores in the H100 SXM; with no datasheet read to settle it, TF32 is left out.
        peaks: &[("bf16", 989.0), ("fp16", 989.0), ("fp8", 1979.0)],
        source: "Epoch chip dataset, NVIDIA H800 SXM5; DeepSeek-V3 report (as H100 SXM)",
    },
    Chip {
        name: "H200",
        // Epoch says 2024-11 (the H200 NVL launch), but the datasheet it cites is the SC23
        // one, from November 2023, when the H200 SXM was announced.
        released: "2023-11",
        peaks: &[
            ("bf16", 989.0),
            ("fp16", 989.0),
            ("fp8", 1979.0),
            ("tf32", 494.0),
        ],
        source: "NVIDIA H200 datasheet (SC23)",
    },
    Chip {
        name: "GH200",
        released: "2023-08",
        // The Hopper GPU of the superchip; Epoch records INT8 1979, and Hopper runs FP8 at
        // its INT8 rate (H100 datasheet), hence FP8 1979.
        peaks: &[
            ("bf16", 989.0),
            ("fp16", 989.0),
            ("fp8", 1979.0),
            ("tf32", 494.0),
        ],
        source: "NVIDIA GH200 Grace Hopper datasheet, via Epoch chip dataset",
    },
    Chip {
        name: "B200",
        released: "2024-03",
        // HGX B200 quotes 8 GPUs with sparsity (BF16 36, FP8 72, TF32 18 PFLOPS) and FP4
        // 144 sparse / 72 dense; per GPU dense is a sixteenth. Epoch agrees (2250, 4500, 1125).
        peaks: &[
            ("bf16", 2250.0),
            ("fp16", 2250.0),
            ("fp8", 4500.0),
            ("fp4", 9000.0),
            ("tf32", 1125.0),
        ],
        source: "NVIDIA HGX B200 specifications, per GPU",
    },
    Chip {
        name: "B300",
        released: "2025-08",
        // DGX B300's "72 PFLOPS FP8 training, 144 PFLOPS FP4 inference" for 8 GPUs are sparse
        // figures: dense per GPU is FP8 4500 (Epoch agrees), BF16 2250, TF32 1125, as B200.
        // Dense FP4 is left out: the sources read give 13,125, 13,500, 14,000 and 15,000 per
        // GPU, and NVIDIA's own 15,000 is stated for the Blackwell Ultra GPU as in the GB300.
        peaks: &[
            ("bf16", 2250.0),
            ("fp16", 2250.0),
            ("fp8", 4500.0),
            ("tf32", 1125.0),
        ],
        source: "NVIDIA HGX B300 / DGX B300 specifications, per GPU",
    },
    Chip {
        name: "GB200",
        // Announced with the GB200 NVL72 at GTC 2024; Epoch has only the NVL2 (2024-06), whose
        // per-GPU figures are the same.
        released: "2024-03",
        // Per Blackwell GPU (two per GB200 superchip): the NVL72 rack's sparse FP4 1440, FP8 720,
        // BF16 360, TF32 180 PFLOPS, halved and divided by 72. Epoch's NVL2 row agrees.
        peaks: &[
            ("bf16", 2500.0),
            ("fp16", 2500.0),
            ("fp8", 5000.0),
            ("fp4", 10000.0),
            ("tf32", 1250.0),
        ],
        source: "NVIDIA GB200 NVL72 specifications, divided by 72 GPUs",
    },
    Chip {
        name: "GB300",
        // Announced at GTC in March 2025; Epoch's row has no date.
        released: "2025-03",
        // Rack: FP4 1440 sparse / 1080 dense, FP8 720, BF16 360, TF32 180 PFLOPS sparse.
        // Epoch's FP4 15,280 is the rounded "1.1 EF" over 72; NVIDIA's per-GPU figure is 15
        // PFLOPS dense, matching 1080 / 72, so 15,000 is kept. Epoch agrees on BF16 and FP8.
        peaks: &[
            ("bf16", 2500.0),
            ("fp16", 2500.0),
            ("fp8", 5000.0),
            ("fp4", 15000.0),
            ("tf32", 1250.0),
        ],
        source: "NVIDIA GB300 NVL72 specifications / 72; NVIDIA, Inside Blackwell Ultra",
    },
    Chip {
        name: "TPU-v2",
        released: "2017-05",
        // Per chip (two TensorCores); Google quoted 180 TFLOPS for a four-chip Cloud TPU v2.
        peaks: &[("bf16", 45.0)],
        source: "Epoch chip dataset, Google TPU v2 (Jouppi et al., CACM 2020)",
    },
    Chip {
        name: "TPU-v3",
        released: "2018-05",
        peaks: &[("bf16", 123.0)],
        source: "Google Cloud TPU v3 documentation",
    },
    Chip {
        name: "TPU-v4",
        released: "2021-05",
        peaks: &[("bf16", 275.0)],
        source: "Google Cloud TPU v4 documentation",
    },
    Chip {
        name: "TPU-v5e",
        released: "2023-08",
        peaks: &[("bf16", 197.0)],
        source: "Google Cloud TPU v5e documentation",
    },
    Chip {
        name: "TPU-v5p",
        released: "2023-12",
        peaks: &[("bf16", 459.0)],
        source: "Google Cloud TPU v5p documentation",
    },
    Chip {
        name: "TPU-v6e",
        released: "2024-05",
        peaks: &[("bf16", 918.0)],
        source: "Google Cloud TPU v6e (Trillium) documentation",
    },
    Chip {
        name: "MI250X",
        released: "2021-11",
        // Epoch's TF32 95.7 is the FP32 matrix rate: CDNA 2 has no TF32, so none is listed.
        peaks: &[("bf16", 383.0), ("fp16", 383.0)],
        source: "AMD Instinct MI250X specifications",
    },
    Chip {
        name: "MI300X",
        released: "2023-12",
        peaks: &[
            ("bf16", 1307.4),
            ("fp16", 1307.4),
            ("fp8", 2614.9),
            ("tf32", 653.7),
        ],
        source: "AMD Instinct MI300X datasheet",
    },
    Chip {
        name: "MI325X",
        released: "2024-10",
        // Epoch rounds to 1300 and 2600; AMD's own figures are the MI300X's, kept here.
        peaks: &[
            ("bf16", 1307.4),
            ("fp16", 1307.4),
            ("fp8", 2614.9),
            ("tf32", 653.7),
        ],
        source: "AMD Instinct MI325X specifications",
    },
    Chip {
        name: "Gaudi2",
        released: "2022-05",
        // Epoch gives BF16 450; Intel's own comparison table gives 432, kept here. FP8 865 is
        // Epoch's (about twice 432).
        peaks: &[("bf16", 432.0), ("fp8", 865.0)],
        source: "Intel, Gaudi 3 AI Accelerator, Hot Chips 2024 (Gaudi 2 column); Epoch (FP8)",
    },
    Chip {
        name: "Gaudi3",
        released: "2024-09",
        // Epoch gives 1678 for both; Intel's specification for the OAM module says 1835, kept.
        peaks: &[("bf16", 1835.0), ("fp8", 1835.0)],
        source: "Intel, Gaudi 3 AI Accelerator, Hot Chips 2024",
    },
    Chip {
        name: "Trainium1",
        released: "2022-10",
        // FP8 here is AWS's configurable cFP8, at the same rate as BF16.
        peaks: &[
            ("bf16", 190.0),
            ("fp16", 190.0),
            ("fp8", 190.0),
            ("tf32", 190.0),
        ],
        source: "AWS Neuron documentation, Trainium architecture",
    },
    Chip {
        name: "Trainium2",
        released: "2024-12",
        peaks: &[
            ("bf16", 667.0),
            ("fp16", 667.0),
            ("fp8", 1299.0),
            ("tf32", 667.0),
        ],
        source: "AWS Neuron documentation, Trainium2 architecture",
    },
];

/// Spellings people write, in normalised form (see [`key`]), beyond each canonical name's own.
/// Memory sizes and vendor words are dropped before this table is consulted, so "NVIDIA A100
/// SXM4 80GB" arrives as "a100sxm4".
const ALIASES: &[(&str, &str)] = &[
    ("v100sxm", "V100"),
    ("v100sxm2", "V100"),
    ("v100sxm3", "V100"),
    ("v100spcie", "V100S"),
    ("a100sxm", "A100"),
    ("a100sxm4", "A100"),
    ("a100pcie", "A100"),
    ("a800sxm", "A800"),
    ("a800sxm4", "A800"),
    ("a800pcie", "A800"),
    // A plain "H100" is the SXM part, the one large training runs use. Its memory is HBM3;
    // the PCIe card's is HBM2e, so "H100 80GB HBM3" names the SXM part too.
    ("h100", "H100-SXM"),
    ("h100sxm5", "H100-SXM"),
    ("h100hbm3", "H100-SXM"),
    ("h100sxm5hbm3", "H100-SXM"),
    ("h800sxm", "H800"),
    ("h800sxm5", "H800"),
    ("h200sxm", "H200"),
    ("gh200superchip", "GH200"),
    ("gb200nvl72", "GB200"),
    ("gb300nvl72", "GB300"),
    ("tpuv6etrillium", "TPU-v6e"),
    ("trillium", "TPU-v6e"),
    ("tputrillium", "TPU-v6e"),
    ("trn1", "Trainium1"),
    ("trn1n", "Trainium1"),
    ("trn2", "Trainium2"),
];

/// Words that name a vendor or a product line but never tell two chips apart.
const VENDOR_WORDS: &[&str] = &[
    "nvidia", "tesla", "google", "cloud", "amd", "radeon", "instinct", "intel", "habana", "labs",
    "aws", "amazon",
];

/// Why a name did not resolve to one chip.
#[derive(Debug, Clone, PartialEq)]
pub enum NameError {
    /// The name fits several chips with different peaks; the user must pick one.
    Ambiguous { candidates: Vec<&'static str> },
    /// No chip fits; `closest` is a near spelling, if there is one.
    Unknown {
        closest: Option<&'static str>,
        known: Vec<&'static str>,
    },
}

impl NameError {
    /// What to tell the user to write instead.
    pub fn hint(&self) -> String {
        match self {
            NameError::Ambiguous { candidates } => {
                format!("it could be {}: name one", candidates.join(" or "))
            }
            NameError::Unknown {
                closest: Some(c), ..
            } => format!("did you mean {c}?"),
            NameError::Unknown { known, .. } => format!("known: {}", known.join(", ")),
        }
    }
}

/// Why a catalog lookup failed, with what is known, for the scenario reader's message.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// For an ambiguous name `known` holds only its candidates; for an unknown one, the whole
    /// catalog with the closest spelling first.
    UnknownGpu { known: Vec<&'static str> },
    UnknownPrecision {
        gpu: &'static str,
        known: Vec<&'static str>,
    },
}

impl From<NameError> for Lookup {
    fn from(e: NameError) -> Self {
        let known = match e {
            NameError::Ambiguous { candidates } => candidates,
            NameError::Unknown { closest, known } => closest
                .into_iter()
                .chain(known.into_iter().filter(|n| Some(*n) != closest))
                .collect(),
        };
        Lookup::UnknownGpu { known }
    }
}

/// The chip a written name means: case, spaces, hyphens, underscores, vendor words and memory
/// sizes do not matter; form factors matter only where they change the peak.
pub fn resolve(name: &str) -> Result<&'static Chip, NameError> {
    let wanted = key(name);
    let exact = keyed_names().find(|(k, _)| *k == wanted);
    if let Some((_, chip)) = exact {
        return Ok(chip);
    }
    let candidates = chips_starting_with(&wanted);
    if candidates.len() > 1 {
        return Err(NameError::Ambiguous { candidates });
    }
    Err(NameError::Unknown {
        closest: candidates.first().copied().or_else(|| closest(&wanted)),
        known: CATALOG.iter().map(|c| c.name).collect(),
    })
}

/// The chip a written name means, failing as the scenario reader expects.
pub fn chip(name: &str) -> Result<&'static Chip, Lookup> {
    resolve(name).map_err(Lookup::from)
}

/// Peak dense TFLOP/s of `gpu` at `precision` (names as [`resolve`] takes them, precision
/// without regard to case).
pub fn peak_tflops(gpu: &str, precision: &str) -> Result<f64, Lookup> {
    let chip = chip(gpu)?;
    chip.peaks
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(precision))
        .map(|(_, tflops)| *tflops)
        .ok_or_else(|| Lookup::UnknownPrecision {
            gpu: chip.name,
            known: chip.peaks.iter().map(|(p, _)| *p).collect(),
        })
}

/// The 16-bit peak utilisation is compared against across generations: BF16 where the chip has
/// it, else FP16 (V100). Every catalog chip has one of the two.
pub fn peak16_tflops(chip: &Chip) -> f64 {
    ["bf16", "fp16"]
        .iter()
        .find_map(|f| chip.peaks.iter().find(|(p, _)| p == f))
        .map_or(f64::NAN, |(_, tflops)| *tflops)
}

/// Lower case, separators and vendor words gone, memory sizes ("80GB", "80 GB") dropped.
fn key(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut kept = String::new();
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).map(String::as_str);
        let prev = i.checked_sub(1).map(|j| words[j].as_str());
        // "80 GB" is two words; a lone "GB" is the start of "GB200".
        let memory = is_memory_size(word)
            || (is_number(word) && next.is_some_and(is_memory_unit))
            || (is_memory_unit(word) && prev.is_some_and(is_number));
        if !memory && !VENDOR_WORDS.contains(&word.as_str()) {
            kept.push_str(word);
        }
    }
    kept
}

fn is_memory_unit(word: &str) -> bool {
    matches!(word, "gb" | "gib")
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// "80gb", "141gb", "32gib".
fn is_memory_size(word: &str) -> bool {
    ["gb", "gib"]
        .iter()
        .any(|unit| word.strip_suffix(unit).is_some_and(is_number))
}

/// Every accepted normalised spelling with its chip: canonical names, then aliases.
fn keyed_names() -> impl Iterator<Item = (String, &'static Chip)> {
    let canonical = CATALOG.iter().map(|c| (key(c.name), c));
    let aliases = ALIASES.iter().filter_map(|(alias, name)| {
        let chip = CATALOG.iter().find(|c| c.name == *name)?;
        Some((alias.to_string(), chip))
    });
    canonical.chain(aliases)
}

/// Chips with an accepted spelling that begins with `prefix` ("tpuv5" → v5e and v5p), in
/// catalog order.
fn chips_starting_with(prefix: &str) -> Vec<&'static str> {
    if prefix.is_empty() {
        return Vec::new();
    }
    CATALOG
        .iter()
        .filter(|c| keyed_names().any(|(k, chip)| chip.name == c.name && k.starts_with(prefix)))
        .map(|c| c.name)
        .collect()
}

/// The chip whose spelling is a few edits from `wanted`, if any is close enough to be a typo.
fn closest(wanted: &str) -> Option<&'static str> {
    let allowed = (wanted.chars().count() / 3).max(2);
    keyed_names()
        .map(|(k, chip)| (edit_distance(wanted, &k), chip.name))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_figures() {
        assert_eq!(peak_tflops("H100-SXM", "bf16"), Ok(989.0));
        assert_eq!(peak_tflops("h100-sxm", "FP8"), Ok(1979.0));
        assert_eq!(peak_tflops("A100", "bf16"), Ok(312.0));
        assert_eq!(peak_tflops("A100", "tf32"), Ok(156.0));
        assert_eq!(peak_tflops("V100", "fp16"), Ok(125.0));
        assert_eq!(peak_tflops("TPU-v3", "bf16"), Ok(123.0));
        assert_eq!(peak_tflops("TPU-v4", "bf16"), Ok(275.0));
        assert_eq!(peak_tflops("TPU-v5p", "bf16"), Ok(459.0));
        assert_eq!(peak_tflops("TPU-v6e", "bf16"), Ok(918.0));
        assert_eq!(peak_tflops("B200", "fp8"), Ok(4500.0));
        assert_eq!(peak_tflops("GB200", "bf16"), Ok(2500.0));
        assert_eq!(peak_tflops("GB300", "fp4"), Ok(15000.0));
        assert_eq!(peak_tflops("MI300X", "fp8"), Ok(2614.9));
        assert_eq!(peak_tflops("Gaudi3", "bf16"), Ok(1835.0));
        assert_eq!(peak_tflops("Trainium2", "fp8"), Ok(1299.0));
        assert_eq!(peak_tflops("Trainium1", "bf16"), Ok(190.0));
    }

    #[test]
    fn the_catalog_holds_the_agreed_names_once_each() {
        let names: Vec<_> = CATALOG.iter().map(|c| c.name).collect();
        for name in [
            "V100",
            "A100",
            "A800",
            "H100-SXM",
            "H100-PCIe",
            "H800",
            "H200",
            "GH200",
            "B200",
            "B300",
            "GB200",
            "GB300",
            "TPU-v2",
            "TPU-v3",
            "TPU-v4",
            "TPU-v5e",
            "TPU-v5p",
            "TPU-v6e",
            "MI250X",
            "MI300X",
            "MI325X",
            "Gaudi2",
            "Gaudi3",
            "Trainium1",
            "Trainium2",
        ] {
            assert_eq!(names.iter().filter(|n| **n == name).count(), 1, "{name}");
        }
        for (alias, name) in ALIASES {
            assert!(names.contains(name), "{alias} names no chip");
        }
        let keys: Vec<_> = keyed_names().map(|(k, _)| k).collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(k), "{k} accepted twice");
        }
    }

    #[test]
    fn every_canonical_name_round_trips() {
        for chip in CATALOG {
            assert_eq!(resolve(chip.name).map(|c| c.name), Ok(chip.name));
            let shouted = chip.name.to_uppercase();
            assert_eq!(resolve(&shouted).map(|c| c.name), Ok(chip.name));
        }
    }

    #[test]
    fn names_people_write_resolve_to_the_intended_chip() {
        for (written, intended) in [
            ("A100-SXM4-80GB", "A100"),
            ("A100-40GB", "A100"),
            ("NVIDIA A100 SXM4 80 GB", "A100"),
            ("A100 PCIe", "A100"),
            ("a100_pcie_40gb", "A100"),
            ("A800 SXM4 80GB", "A800"),
            ("H100", "H100-SXM"),
            ("H100 SXM5 80GB", "H100-SXM"),
            ("H100 80GB HBM3", "H100-SXM"),
            ("NVIDIA H100-SXM", "H100-SXM"),
            ("H100 PCIe", "H100-PCIe"),
            ("h100-pcie-80gb", "H100-PCIe"),
            ("H100 NVL", "H100-NVL"),
            ("H800 SXM5", "H800"),
            ("H200 141GB", "H200"),
            ("GH200", "GH200"),
            ("Tesla V100-SXM2-32GB", "V100"),
            ("V100 SXM2 16GB", "V100"),
            ("Tesla V100 PCIe", "V100-PCIe"),
            ("V100S", "V100S"),
            ("NVIDIA B200", "B200"),
            ("B300", "B300"),
            ("GB200 NVL72", "GB200"),
            ("NVIDIA GB 200", "GB200"),
            ("GB300-NVL72", "GB300"),
            ("TPU v2", "TPU-v2"),
            ("TPU v4", "TPU-v4"),
            ("tpu-v5p", "TPU-v5p"),
            ("Google TPU v5e", "TPU-v5e"),
            ("Trillium", "TPU-v6e"),
            ("Cloud TPU v6e", "TPU-v6e"),
            ("Google TPU v6e Trillium", "TPU-v6e"),
            ("Instinct MI300X", "MI300X"),
            ("AMD Instinct MI325X", "MI325X"),
            ("AMD Radeon Instinct MI250X", "MI250X"),
            ("mi300x 192GB", "MI300X"),
            ("Gaudi 2", "Gaudi2"),
            ("Intel Habana Gaudi2", "Gaudi2"),
            ("Gaudi3", "Gaudi3"),
            ("Intel Gaudi 3", "Gaudi3"),
            ("Trn2", "Trainium2"),
            ("Trainium 2", "Trainium2"),
            ("AWS Trainium2", "Trainium2"),
            ("Amazon Trainium1", "Trainium1"),
            ("trn1", "Trainium1"),
        ] {
            assert_eq!(resolve(written).map(|c| c.name), Ok(intended), "{written}");
        }
    }

    #[test]
    fn a_name_that_fits_several_chips_is_refused_with_them() {
        for (written, candidates) in [
            ("TPU v5", vec!["TPU-v5e", "TPU-v5p"]),
            ("Trainium", vec!["Trainium1", "Trainium2"]),
            ("Gaudi", vec!["Gaudi2", "Gaudi3"]),
            ("GB", vec!["GB200", "GB300"]),
            ("H10", vec!["H100-SXM", "H100-PCIe", "H100-NVL"]),
        ] {
            let want = NameError::Ambiguous {
                candidates: candidates.clone(),
            };
            assert_eq!(resolve(written), Err(want), "{written}");
            let Err(Lookup::UnknownGpu { known }) = chip(written) else {
                panic!("{written}")
            };
            assert_eq!(known, candidates);
        }
        let hint = resolve("TPU v5").unwrap_err().hint();
        assert_eq!(hint, "it could be TPU-v5e or TPU-v5p: name one");
    }

    #[test]
    fn an_unknown_name_gets_the_closest_spelling_and_the_whole_list() {
        for (written, closest) in [
            ("H1000", Some("H100-SXM")),
            ("A1OO", Some("A100")),
            ("MI300", Some("MI300X")),
            ("TPU v6", Some("TPU-v6e")),
            ("Gaudi 1", Some("Gaudi2")),
            ("RTX 4090", None),
            ("", None),
            ("NVIDIA", None),
        ] {
            let Err(NameError::Unknown {
                closest: got,
                known,
            }) = resolve(written)
            else {
                panic!("{written}")
            };
            assert_eq!(got, closest, "{written}");
            assert_eq!(known.len(), CATALOG.len());
            let Err(Lookup::UnknownGpu { known }) = chip(written) else {
                panic!("{written}")
            };
            assert_eq!(known.len(), CATALOG.len(), "{written}");
            if let Some(c) = closest {
                assert_eq!(known[0], c, "the suggestion leads the list");
            }
        }
        assert_eq!(
            resolve("H1000").unwrap_err().hint(),
            "did you mean H100-SXM?"
        );
    }

    #[test]
    fn variants_with_other_peaks_are_not_folded_into_the_common_part() {
        assert_eq!(peak_tflops("H100 NVL", "bf16"), Ok(835.5));
        assert_eq!(peak_tflops("H100 PCIe", "bf16"), Ok(756.0));
        assert_eq!(peak_tflops("V100 PCIe", "fp16"), Ok(112.0));
        assert_eq!(peak_tflops("V100S", "fp16"), Ok(130.0));
        assert!(resolve("H800 PCIe").is_err());
        assert!(resolve("H200 NVL").is_err());
        assert!(resolve("H100 80GB HBM2e").is_err());
    }

    #[test]
    fn unknown_precisions_list_the_known_ones() {
        let Err(Lookup::UnknownPrecision { gpu, known }) = peak_tflops("TPU v4", "fp8") else {
            panic!()
        };
        assert_eq!((gpu, known), ("TPU-v4", vec!["bf16"]));
        let Err(Lookup::UnknownPrecision { known, .. }) = peak_tflops("V100", "bf16") else {
            panic!()
        };
        assert_eq!(known, vec!["fp16"]);
    }

    #[test]
    fn every_chip_is_well_formed() {
        const FORMATS: [&str; 5] = ["bf16", "fp16", "fp8", "fp4", "tf32"];
        for chip in CATALOG {
            let (year, month) = chip.released.split_once('-').unwrap();
            assert!(year.len() == 4 && (2017..=2025).contains(&year.parse::<i32>().unwrap()));
            assert!(
                (1..=12).contains(&month.parse::<u32>().unwrap()),
                "{}",
                chip.name
            );
            assert!(!chip.source.is_empty());
            for (format, tflops) in chip.peaks {
                assert!(FORMATS.contains(format), "{}: {format}", chip.name);
                assert!(tflops.is_finite() && *tflops > 0.0, "{}", chip.name);
            }
            assert!(
                peak16_tflops(chip) > 0.0,
                "{} has no 16-bit peak",
                chip.name
            );
        }
    }

    #[test]
    fn narrower_formats_are_never_slower() {
        let peak = |chip: &Chip, f: &str| chip.peaks.iter().find(|(p, _)| *p == f).map(|p| p.1);
        for chip in CATALOG {
            let ladder: Vec<f64> = ["bf16", "fp8", "fp4"]
                .iter()
                .filter_map(|f| peak(chip, f))
                .collect();
            assert!(ladder.windows(2).all(|w| w[0] <= w[1]), "{}", chip.name);
            if let (Some(bf16), Some(fp16)) = (peak(chip, "bf16"), peak(chip, "fp16")) {
                assert_eq!(bf16, fp16, "{}", chip.name);
            }
        }
    }

    #[test]
    fn the_16_bit_yardstick_is_bf16_else_fp16() {
        assert_eq!(peak16_tflops(resolve("V100").unwrap()), 125.0);
        assert_eq!(peak16_tflops(resolve("H100").unwrap()), 989.0);
        assert_eq!(peak16_tflops(resolve("Gaudi2").unwrap()), 432.0);
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("h1000", "h100"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("a100", "a100"), 0);
    }
}

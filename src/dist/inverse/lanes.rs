//! Records of eight doubles (one 64-byte cache line) for a vector's lanes, one register per
//! field: each lane's record loaded whole, then transposed. The compiler does not vectorise a
//! loop whose loads depend on its values, and a gather per field (eight of them) measured 2.5×
//! slower than this on the AMD cores the tables were tuned on.

/// Eight lanes.
#[cfg(target_arch = "x86_64")]
pub(super) mod avx512 {
    use std::arch::x86_64::*;

    /// The 64-byte records at base + 8k for the eight indices `k`, one register per field (lane
    /// j from record k[j]).
    ///
    /// # Safety
    ///
    /// The CPU must have AVX-512F, DQ and VL and AVX2; every base + 8k must be a record,
    /// aligned to 64 bytes.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
    pub(in crate::dist::inverse) unsafe fn rows(base: *const f64, k: __m256i) -> [__m512d; 8] {
        let mut at = [0i32; 8];
        // SAFETY: `at` holds 8 lanes of 32 bits; each record is 64 bytes, aligned to 64, at
        // base + 8k (the caller vouches for k).
        let r: [__m512d; 8] = unsafe {
            _mm256_storeu_si256(at.as_mut_ptr().cast(), k);
            std::array::from_fn(|j| _mm512_load_pd(base.add(8 * at[j] as usize)))
        };
        // Pairs of records, then pairs of those, then fours: a field's lanes end up in order.
        let lo = |a, b| _mm512_unpacklo_pd(a, b);
        let hi = |a, b| _mm512_unpackhi_pd(a, b);
        let t = [
            lo(r[0], r[1]),
            hi(r[0], r[1]),
            lo(r[2], r[3]),
            hi(r[2], r[3]),
            lo(r[4], r[5]),
            hi(r[4], r[5]),
            lo(r[6], r[7]),
            hi(r[6], r[7]),
        ];
        let even = |a, b| _mm512_shuffle_f64x2::<0x88>(a, b);
        let odd = |a, b| _mm512_shuffle_f64x2::<0xDD>(a, b);
        let u = [
            even(t[0], t[2]),
            odd(t[0], t[2]),
            even(t[1], t[3]),
            odd(t[1], t[3]),
            even(t[4], t[6]),
            odd(t[4], t[6]),
            even(t[5], t[7]),
            odd(t[5], t[7]),
        ];
        [
            even(u[0], u[4]),
            even(u[2], u[6]),
            even(u[1], u[5]),
            even(u[3], u[7]),
            odd(u[0], u[4]),
            odd(u[2], u[6]),
            odd(u[1], u[5]),
            odd(u[3], u[7]),
        ]
    }
}

/// Four lanes: each record as two halves of four fields, each set of halves transposed.
#[cfg(target_arch = "x86_64")]
pub(super) mod avx2 {
    use std::arch::x86_64::*;

    /// The 64-byte records at base + 8k for the four indices `k`, one register per field.
    ///
    /// # Safety
    ///
    /// The CPU must have AVX2; every base + 8k must be a record, aligned to 64 bytes.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(in crate::dist::inverse) unsafe fn rows(base: *const f64, k: __m128i) -> [__m256d; 8] {
        let mut at = [0i32; 4];
        // SAFETY: `at` holds 4 lanes of 32 bits; each record is 64 bytes, aligned to 64, at
        // base + 8k (the caller vouches for k).
        let (a, b): ([__m256d; 4], [__m256d; 4]) = unsafe {
            _mm_storeu_si128(at.as_mut_ptr().cast(), k);
            let row = |j: usize| base.add(8 * at[j] as usize);
            (
                std::array::from_fn(|j| _mm256_load_pd(row(j))),
                std::array::from_fn(|j| _mm256_load_pd(row(j).add(4))),
            )
        };
        let [f0, f1, f2, f3] = transpose(a);
        let [f4, f5, f6, f7] = transpose(b);
        [f0, f1, f2, f3, f4, f5, f6, f7]
    }

    /// Four rows of four into four columns.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn transpose(r: [__m256d; 4]) -> [__m256d; 4] {
        let (t0, t1) = (
            _mm256_unpacklo_pd(r[0], r[1]),
            _mm256_unpackhi_pd(r[0], r[1]),
        );
        let (t2, t3) = (
            _mm256_unpacklo_pd(r[2], r[3]),
            _mm256_unpackhi_pd(r[2], r[3]),
        );
        [
            _mm256_permute2f128_pd::<0x20>(t0, t2),
            _mm256_permute2f128_pd::<0x20>(t1, t3),
            _mm256_permute2f128_pd::<0x31>(t0, t2),
            _mm256_permute2f128_pd::<0x31>(t1, t3),
        ]
    }
}

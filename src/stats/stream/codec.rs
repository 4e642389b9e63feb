//! A plain binary layout for a shard's state: little-endian 64-bit words, lengths before
//! sequences. Floats are stored as their bits, so a merge sees exactly what the shard held.

/// Appends words to a buffer.
#[derive(Debug, Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u64(&mut self, x: u64) {
        self.bytes.extend_from_slice(&x.to_le_bytes());
    }

    pub fn f64(&mut self, x: f64) {
        self.u64(x.to_bits());
    }

    pub fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    pub fn f64s(&mut self, xs: &[f64]) {
        self.len(xs.len());
        xs.iter().for_each(|&x| self.f64(x));
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

/// Reads words back, failing on a short or malformed buffer rather than panicking.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// What went wrong reading a buffer: where, and what was expected.
pub type Malformed = String;

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(format!("it is cut short, at byte {}", self.bytes.len()));
        };
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    /// The next `n` bytes as they are.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        self.take(n)
    }

    pub fn u64(&mut self) -> Result<u64, Malformed> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub fn f64(&mut self) -> Result<f64, Malformed> {
        self.u64().map(f64::from_bits)
    }

    /// Bytes left to read.
    pub fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// A length, at most `most` (what the rest of the buffer could hold, or a known bound).
    pub fn len(&mut self, most: usize) -> Result<usize, Malformed> {
        let n = self.u64()?;
        if n > most as u64 {
            return Err(format!(
                "it is damaged or cut short (a length of {n} at byte {} exceeds what is left)",
                self.at - 8
            ));
        }
        Ok(n as usize)
    }

    pub fn f64s(&mut self) -> Result<Vec<f64>, Malformed> {
        let n = self.len((self.bytes.len() - self.at) / 8)?;
        (0..n).map(|_| self.f64()).collect()
    }

    pub fn str(&mut self) -> Result<String, Malformed> {
        let n = self.len(self.bytes.len() - self.at)?;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| format!("text at byte {} is not UTF-8", self.at))
    }

    /// Fails unless every byte was read.
    pub fn finish(&self) -> Result<(), Malformed> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(format!(
                "{} bytes follow its end",
                self.bytes.len() - self.at
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_written_reads_back_bit_for_bit() {
        let mut w = Writer::default();
        w.u64(7);
        w.f64s(&[f64::NEG_INFINITY, -0.0, f64::NAN, 1e-310]);
        w.str("llama ✓");
        let mut r = Reader::new(&w.bytes);
        assert_eq!(r.u64().unwrap(), 7);
        let xs = r.f64s().unwrap();
        assert_eq!(xs[0], f64::NEG_INFINITY);
        assert_eq!(xs[1].to_bits(), (-0.0f64).to_bits());
        assert!(xs[2].is_nan());
        assert_eq!(xs[3], 1e-310);
        assert_eq!(r.str().unwrap(), "llama ✓");
        r.finish().unwrap();
    }

    #[test]
    fn a_short_or_bloated_buffer_is_an_error_not_a_panic() {
        let mut w = Writer::default();
        w.f64s(&[1.0, 2.0]);
        let short = &w.bytes[..w.bytes.len() - 3];
        assert!(Reader::new(short).f64s().is_err());
        let mut huge = Writer::default();
        huge.u64(u64::MAX);
        assert!(Reader::new(&huge.bytes).f64s().is_err());
        assert!(Reader::new(&huge.bytes).str().is_err());
        let mut r = Reader::new(&w.bytes);
        r.u64().unwrap();
        assert!(r.finish().is_err());
    }
}

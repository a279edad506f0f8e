//! The workbook stream of a legacy `.xls` (a Compound File Binary container), read the way
//! calamine reads it, but checked: every sector chain calamine would follow must end inside the
//! file without a loop, and every table index it would use must exist. calamine follows chains
//! until their declared length, so a looping chain with a huge declared size grows its buffer
//! until the process aborts; this walk refuses such a file first.

/// A chain ends here.
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Entries of the sector allocation table at or above this are not sector numbers.
const DIFSECT: u32 = 0xFFFF_FFFC;
/// Entries of the DIFAT at or above this end its chain.
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
/// Streams shorter than this live in the mini stream (64-byte sectors).
const MINI_CUTOFF: usize = 4096;
/// Size of a mini sector.
const MINI_SECTOR: usize = 64;

/// What the walk found.
pub(super) enum Stream {
    /// calamine stops on its own before allocating anything large (a header it rejects, a
    /// sector number past the end of the file, no workbook stream): nothing to check.
    Rejected,
    /// The workbook stream's bytes, as calamine will see them.
    Workbook(Vec<u8>),
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
    })
}

/// Sectors of the file: sector `id` starts at `(id + 1) * size` (the header is sector -1).
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
    maxid: u32,
}

impl Sectors<'_> {
    /// True when sector `id` lies wholly inside the file (calamine asserts that the tables it
    /// reads come in whole entries, and panics on a table sector cut by the end of the file).
    fn whole(&self, id: u32) -> bool {
        (id as usize + 2) * self.size <= self.bytes.len()
    }

    /// One sector, zero-padded past the end of the file as calamine's buffer is; `None` when
    /// calamine would refuse the number.
    fn get(&self, id: u32) -> Option<Vec<u8>> {
        if id > self.maxid {
            return None;
        }
        let start = (id as usize + 1) * self.size;
        let mut out = vec![0u8; self.size];
        if let Some(have) = self.bytes.get(start..) {
            let n = have.len().min(self.size);
            out[..n].copy_from_slice(&have[..n]);
        }
        Some(out)
    }

    /// Follow a chain through `fat` for at most `len` bytes. `Ok(None)`: calamine stops with an
    /// error of its own; `Err`: calamine would loop, overflow or panic.
    fn chain(&self, start: u32, fat: &[u32], len: usize) -> Result<Option<Vec<u8>>, String> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps: u64 = 0;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > u64::from(self.maxid) + 1 {
                return Err("a sector chain loops".into());
            }
            // calamine reads the file front to back into one buffer and slices sector `id` out
            // of it: a sector that starts past the end of the file makes that slice start after
            // its end, and it panics (found by fuzzing).
            if id <= self.maxid && (id as usize + 1).saturating_mul(self.size) > self.bytes.len() {
                return Err(format!("sector {id} starts past the end of the file"));
            }
            let Some(sector) = self.get(id) else {
                return Ok(None);
            };
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            id = *fat
                .get(id as usize)
                .ok_or_else(|| format!("sector {id} is outside the allocation table"))?;
        }
        Ok(Some(out))
    }
}

/// Read the `Workbook` (or `Book`) stream of a compound file, as calamine's `Cfb` does.
pub(super) fn workbook_stream(bytes: &[u8]) -> Result<Stream, String> {
    if bytes.len() < 512 || !bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Ok(Stream::Rejected);
    }
    let size = match u16_at(bytes, 30) {
        0x0009 => 512,
        0x000C if bytes.len() >= 4096 => 4096,
        _ => return Ok(Stream::Rejected),
    };
    if u16_at(bytes, 32) != 0x0006 {
        return Ok(Stream::Rejected);
    }
    let version = u16_at(bytes, 26);
    let dir_start = u32_at(bytes, 48);
    let mini_fat_start = u32_at(bytes, 60);
    let mini_fat_len = u32_at(bytes, 64) as usize;
    let difat_start = u32_at(bytes, 68);
    let sectors = Sectors {
        bytes,
        size,
        maxid: u32::try_from(bytes.len() / size).unwrap_or(u32::MAX),
    };

    // The DIFAT: 109 entries in the header, then a chain of sectors whose last entry links on.
    let mut difat: Vec<u32> = (76..512).step_by(4).map(|at| u32_at(bytes, at)).collect();
    let mut id = difat_start;
    let mut difat_sectors = 0usize;
    while id < RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > sectors.maxid as usize + 1 {
            return Ok(Stream::Rejected);
        }
        if id <= sectors.maxid && !sectors.whole(id) {
            return Err("the allocation table runs past the end of the file".into());
        }
        let Some(s) = sectors.get(id) else {
            return Ok(Stream::Rejected);
        };
        difat.extend(s.chunks(4).map(|c| u32_at(c, 0)));
        let Some(next) = difat.pop() else {
            return Ok(Stream::Rejected);
        };
        id = next;
    }
    // The allocation table. calamine appends one sector per DIFAT entry, repeats included: more
    // table sectors than the file has sectors is a table that cannot be real.
    let fat_ids: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    if fat_ids.len() > sectors.maxid as usize + 1 {
        return Err(format!(
            "the allocation table lists {} sectors, more than the file holds",
            fat_ids.len()
        ));
    }
    let mut fat = Vec::new();
    for id in fat_ids {
        if id <= sectors.maxid && !sectors.whole(id) {
            return Err("the allocation table runs past the end of the file".into());
        }
        let Some(s) = sectors.get(id) else {
            return Ok(Stream::Rejected);
        };
        fat.extend(s.chunks(4).map(|c| u32_at(c, 0)));
    }

    let Some(dirs) = sectors.chain(dir_start, &fat, usize::MAX)? else {
        return Ok(Stream::Rejected);
    };
    let entries: Vec<&[u8]> = dirs.chunks(128).filter(|c| c.len() == 128).collect();
    let Some(root) = entries.first() else {
        return Ok(Stream::Rejected);
    };
    let entry_start = |e: &[u8]| u32_at(e, 116);
    let entry_len = |e: &[u8]| -> usize {
        if size == 512 {
            u32_at(e, 120) as usize
        } else {
            usize::try_from(u64_at(e, 120)).unwrap_or(usize::MAX)
        }
    };
    if version != 3 && entry_start(root) == ENDOFCHAIN {
        return Ok(Stream::Rejected);
    }
    let (mini_fat, ministream) = if mini_fat_len > 0 {
        let Some(ministream) = sectors.chain(entry_start(root), &fat, entry_len(root))? else {
            return Ok(Stream::Rejected);
        };
        let Some(mini_fat) =
            sectors.chain(mini_fat_start, &fat, mini_fat_len.saturating_mul(size))?
        else {
            return Ok(Stream::Rejected);
        };
        let mini_fat: Vec<u32> = mini_fat.chunks(4).map(|c| u32_at(c, 0)).collect();
        (mini_fat, ministream)
    } else {
        (Vec::new(), Vec::new())
    };

    let name_of = |e: &[u8]| -> String {
        let units: Vec<u16> = e[..64].chunks(2).map(|c| u16_at(c, 0)).collect();
        let name = String::from_utf16_lossy(&units);
        match name.find('\0') {
            Some(end) => name[..end].to_string(),
            None => name,
        }
    };
    let find = |wanted: &str| {
        entries
            .iter()
            .find(|e| name_of(e).eq_ignore_ascii_case(wanted))
            .copied()
    };
    let Some(entry) = find("Workbook").or_else(|| find("Book")) else {
        return Ok(Stream::Rejected);
    };
    let (start, len) = (entry_start(entry), entry_len(entry));
    if len >= MINI_CUTOFF {
        return Ok(match sectors.chain(start, &fat, len)? {
            Some(s) => Stream::Workbook(s),
            None => Stream::Rejected,
        });
    }
    // A short stream: 64-byte sectors inside the mini stream.
    let mut out = Vec::new();
    let mut id = start;
    let mut steps = 0usize;
    while id != ENDOFCHAIN && out.len() < len {
        steps += 1;
        if steps > MINI_CUTOFF / MINI_SECTOR + 1 {
            break; // the length stops calamine too
        }
        let at = id as usize * MINI_SECTOR;
        let Some(sector) = ministream.get(at..at + MINI_SECTOR) else {
            return Err(format!("mini sector {id} is outside the mini stream"));
        };
        let take = MINI_SECTOR.min(len - out.len());
        out.extend_from_slice(&sector[..take]);
        if out.len() >= len {
            break;
        }
        id = *mini_fat
            .get(id as usize)
            .ok_or_else(|| format!("mini sector {id} is outside the mini allocation table"))?;
    }
    Ok(Stream::Workbook(out))
}

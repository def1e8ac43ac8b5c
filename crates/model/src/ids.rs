//! Typed indices: a class, programme, direction or station is named by its position in the
//! population or the crossing, so the engine's tables are plain vectors.

/// Index of a vehicle class in [`Population::classes`](crate::Population::classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(pub u16);

/// Index of a programme in [`Population::programmes`](crate::Population::programmes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProgrammeId(pub u8);

/// Index of a direction in [`Population::directions`](crate::Population::directions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DirectionId(pub u8);

/// Index of a station in its crossing (also its node index in the station graph).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StationId(pub u32);

impl StationId {
    /// The index as a `usize`, for indexing vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ClassId {
    /// The index as a `usize`, for indexing vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ProgrammeId {
    /// The index as a `usize`, for indexing vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl DirectionId {
    /// The index as a `usize`, for indexing vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The (class, programme) a queue key stands for. Queue keys index the per-(class,
/// programme) tables of stations and the engine: `key = class × programmes + programme`,
/// `programmes` being the population's number of programmes (at least 1).
#[inline]
pub fn decode_queue_key(key: usize, programmes: usize) -> (ClassId, ProgrammeId) {
    (
        ClassId((key / programmes) as u16),
        ProgrammeId((key % programmes) as u8),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_key_decodes_to_class_and_programme() {
        // 3 programmes: keys 0..3 are class 0, keys 3..6 class 1.
        assert_eq!(decode_queue_key(0, 3), (ClassId(0), ProgrammeId(0)));
        assert_eq!(decode_queue_key(5, 3), (ClassId(1), ProgrammeId(2)));
        assert_eq!(decode_queue_key(7, 1), (ClassId(7), ProgrammeId(0)));
    }
}

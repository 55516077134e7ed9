//! How Go grows a slice while `decode.go` `array` appends to it (runtime `growslice`,
//! `nextslicecap`, `roundupsize`).
//!
//! It matters because a repeated key decodes *into* the slice the earlier one left: elements
//! between the length and the capacity survive and come back when a later, longer array
//! reaches them. So the mock keeps Go's capacities, not Rust's.

/// The capacity Go gives a slice that `reflect.Value.Grow(1)` must enlarge (runtime
/// `reflect_growslice` -> `growslice` -> `nextslicecap`, rounded up to a malloc size class).
/// For pointers this runs 1, 2, 4, ..., 64, 143, 287, 607, 1023, ...
pub fn go_grow_cap(old_cap: usize, elem_size: usize, has_pointers: bool) -> usize {
    let new_len = old_cap + 1;
    let double = old_cap * 2;
    let new_cap = if new_len > double {
        new_len
    } else if old_cap < 256 {
        double
    } else {
        let mut c = old_cap;
        while c < new_len {
            c += (c + 3 * 256) >> 2;
        }
        c
    };
    if elem_size == 0 {
        return new_cap;
    }
    roundupsize(new_cap * elem_size, !has_pointers) / elem_size
}

/// runtime/msize.go `roundupsize` (Go 1.26, amd64): small objects round up to a size class,
/// counting the 8-byte malloc header pointerful objects above 512 bytes carry.
fn roundupsize(size: usize, noscan: bool) -> usize {
    const CLASSES: [usize; 67] = [
        8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
        352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
        2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472,
        9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
        28672, 32768,
    ];
    const HEADER: usize = 8;
    if size <= 32768 - HEADER {
        let req = if !noscan && size > 512 {
            size + HEADER
        } else {
            size
        };
        let class = CLASSES.iter().copied().find(|&c| c >= req).unwrap_or(32768);
        return class - (req - size);
    }
    size.div_ceil(8192) * 8192
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_grow_like_go() {
        // Capacities reflect.Value.Grow(1) gives a []*T in Go 1.26 (printed by growing a
        // slice one element at a time).
        let want = [
            1, 2, 4, 8, 16, 32, 64, 143, 287, 607, 1023, 1535, 2303, 3071, 4095, 6144, 8192, 11264,
            14336, 18432, 23552,
        ];
        let mut cap = 0;
        for w in want {
            cap = go_grow_cap(cap, 8, true);
            assert_eq!(cap, w);
        }
    }
}

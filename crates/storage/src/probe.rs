//! Image width and height from the first bytes of a file, without decoding it.

/// Bytes read first; enough for PNG, GIF, WebP, BMP and most JPEGs.
pub(crate) const FIRST_READ: u64 = 64 * 1024;
/// Bytes read when a JPEG's metadata pushes its frame header further in.
pub(crate) const SECOND_READ: u64 = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
}

/// `None` when the bytes are not a known image header or are cut short.
pub(crate) fn image_size(head: &[u8]) -> Option<ImageSize> {
    let size = imagesize::blob_size(head).ok()?;
    Some(ImageSize {
        width: u32::try_from(size.width).ok()?,
        height: u32::try_from(size.height).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_png_size_from_its_header() {
        let mut png = vec![
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
        ];
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        assert_eq!(
            image_size(&png),
            Some(ImageSize {
                width: 640,
                height: 480
            })
        );
        assert_eq!(image_size(b"not an image"), None);
        assert_eq!(image_size(&png[..10]), None);
    }
}

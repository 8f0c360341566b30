//! Pascal VOC label files, with the VOC2012 task extensions and ModelArts'.
//!
//! One XML file per image, in the devkit's `Annotations/` folder (see [`devkit`]) or next to
//! the image with the same stem (`IMG_1.jpg` ↔ `IMG_1.xml`): a root `<annotation>` with the
//! image's `folder`, `filename`, `size` and `segmented` flag, then one `<object>` per label with
//! its `name`, `pose`, `truncated`, `occluded`, `difficult` flags and exactly one shape element.
//! Plain VOC only knows `bndbox`; VOC2012's person layout task adds `<part>`s (a `name` and a
//! `bndbox` each: head, hand, foot) and its action task `<actions>` (0/1 flags) and a reference
//! `<point>` beside the box. ModelArts adds `polygon`, `point`, `line`, `circle`, `polyline` and
//! `dashed`, plus `confidence`, `mask_color`, `hard-coefficient` and free `properties`
//! (ModelArts "PASCAL VOC 1.0" import format).
//!
//! Decisions, and why:
//!
//! - **Parts are child shapes.** A `<part>` is kept in its object's
//!   [`parts`](wharf_model::Annotation::parts), not as an annotation of its own: a head means
//!   something only with its person. A broken part is left out, its object kept.
//! - **Actions and the reference point are attributes**: `actions` lists the actions flagged 1,
//!   `point` is `[x, y]`. The point is not a second shape, which would refuse the object.
//! - **Shapes are checked against the image, once it is found.** [`read`] gives a [`VocFile`]
//!   whose `<filename>` names the image; [`VocFile::check`] then checks every shape against the
//!   image's real size (from its header), with a warning when `<size>` disagrees. [`parse`]
//!   checks against `<size>`, for callers that have no image.
//! - **Entities are refused, never expanded.** A file holding `<!DOCTYPE` or `<!ENTITY` is one
//!   `Forbidden` problem and nothing is parsed: label files never need a DTD, and refusing before
//!   the parser runs is the only sure defence against entity bombs. Only the five predefined
//!   entities and character references are resolved.
//! - **A `point` may be `x`,`y` or `x1`,`y1`.** ModelArts' table says the former, its own example
//!   writes the latter; both are in the wild.
//! - **Out of bounds is kept, with a warning.** ModelArts says such an import "may fail"; a box a
//!   pixel past the edge is usually still a good label, so we report it and let the user decide.
//! - **One bad object never costs the others.** Each object is read on its own; a broken one is
//!   left out with an error, and the file goes on. Malformed XML stops the file, but the objects
//!   read before the fault are kept.
//! - **Bounded work.** Files over [`MAX_FILE_BYTES`], nesting deeper than [`MAX_DEPTH`] and objects
//!   of more than [`MAX_ELEMENTS_PER_OBJECT`] elements are refused; only the element subtrees the
//!   reader uses are held in memory, one object at a time.

mod detection;
pub mod devkit;
mod object;
mod reader;
mod shape;
mod xml;

#[cfg(test)]
mod tests;

use wharf_model::{Annotation, Problem, ProblemCode};

pub use detection::{VocLayout, detect};

use xml::Element;

/// The layout's name, and the `source_format` of the annotations read here.
pub const FORMAT: &str = "voc";

/// Largest label file read; a VOC file is a few kilobytes, anything this big is not one.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Deepest element nesting read; VOC needs four levels.
pub const MAX_DEPTH: usize = 64;
/// Most elements in one child of the root (an object with its shape and properties).
pub const MAX_ELEMENTS_PER_OBJECT: usize = 100_000;
/// Largest coordinate or size accepted, in pixels; beyond it a value is a typo or garbage.
pub const MAX_ABS_VALUE: f64 = 1e7;

/// One VOC label file, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VocDocument {
    /// `<filename>`: the image the labels belong to.
    pub filename: Option<String>,
    pub folder: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub depth: Option<u32>,
    pub segmented: bool,
    /// `<mask_source>`: the mask image of a segmentation label.
    pub mask_source: Option<String>,
    /// The objects read, in file order; `source_format` is `"voc"`.
    pub annotations: Vec<Annotation>,
    /// Everything wrong with the file, by line.
    pub problems: Vec<Problem>,
}

/// Reads one VOC label file, checking its shapes against its own `<size>`. Never panics; every
/// defect becomes a problem in the result.
pub fn parse(bytes: &[u8], file: &str) -> VocDocument {
    read(bytes, file).check(None)
}

/// Reads one VOC label file whose shapes are to be checked against the image it labels, once
/// that image is found (by its `<filename>`) and its header read: see [`VocFile::check`].
pub fn read(bytes: &[u8], file: &str) -> VocFile {
    let mut out = Problems {
        file,
        list: Vec::new(),
    };
    let mut read = VocFile {
        header: VocDocument::default(),
        objects: Vec::new(),
        size_line: None,
        file: file.to_owned(),
    };
    if let Some(text) = admit(bytes, &mut out) {
        read_document(text, &mut read, &mut out);
    }
    read.header.problems = out.list;
    read
}

/// A VOC label file read, its shapes not yet checked against an image.
#[derive(Debug, Clone)]
pub struct VocFile {
    /// Everything but the annotations, and the problems found so far.
    header: VocDocument,
    objects: Vec<object::ReadObject>,
    /// The line of `<size>`, for a warning about it.
    size_line: Option<u64>,
    file: String,
}

/// The image a label file labels, with the size its header gives.
#[derive(Debug, Clone, Copy)]
pub struct LabelledImage<'a> {
    pub path: &'a str,
    pub width: u32,
    pub height: u32,
}

impl VocFile {
    /// `<filename>`: the image the labels belong to.
    pub fn filename(&self) -> Option<&str> {
        self.header.filename.as_deref()
    }

    /// Checks every shape against the image: against `image`'s header size when it is known
    /// (with a warning when `<size>` says otherwise), else against `<size>`. Objects are
    /// checked only now, as `<size>` may come after them and the image is found by the file's
    /// own `<filename>`; the problems are put back in file order.
    pub fn check(self, image: Option<LabelledImage<'_>>) -> VocDocument {
        let VocFile {
            mut header,
            objects,
            size_line,
            file,
        } = self;
        let mut out = Problems {
            file: &file,
            list: std::mem::take(&mut header.problems),
        };
        let declared = header
            .width
            .zip(header.height)
            .filter(|(w, h)| *w > 0 && *h > 0);
        let bounds = match image {
            Some(image) => {
                let real = (image.width, image.height);
                if let (Some(declared), Some(line)) = (declared, size_line)
                    && declared != real
                {
                    out.push(size_disagrees(&out, line, declared, image));
                }
                Some(real)
            }
            None => declared,
        };
        for read in objects {
            if let Some((width, height)) = bounds {
                shape::check_bounds(&read, width, height, &mut out);
            }
            header.annotations.push(read.annotation);
        }
        out.list.sort_by_key(|p| p.line);
        header.problems = out.list;
        header
    }
}

/// `<size>` says one thing, the image's header another: the header is right.
fn size_disagrees(
    out: &Problems,
    line: u64,
    (width, height): (u32, u32),
    image: LabelledImage<'_>,
) -> Problem {
    let message = format!(
        "<size> says {width}×{height} but the image '{}' is {}×{}; shapes are checked against the image, fix <size>.",
        image.path, image.width, image.height
    );
    out.warning(ProblemCode::InvalidValue, line, message)
        .field("size")
        .found(format!("{width}×{height}"))
        .expected(format!(
            "{}×{}, the size in the header of '{}'",
            image.width, image.height, image.path
        ))
}

/// The file's text, when it may be parsed at all: not too large, no DTD, UTF-8.
fn admit<'b>(bytes: &'b [u8], out: &mut Problems) -> Option<&'b str> {
    if bytes.len() > MAX_FILE_BYTES {
        let message = format!(
            "The file is {} bytes, over the {MAX_FILE_BYTES}-byte limit for a VOC label file; split or fix it.",
            bytes.len()
        );
        out.push(
            out.error(ProblemCode::TooLarge, 1, message)
                .found(format!("{} bytes", bytes.len()))
                .expected(format!("at most {MAX_FILE_BYTES} bytes")),
        );
        return None;
    }
    if let Some((pos, construct)) = forbidden_construct(bytes) {
        let message = format!(
            "The file declares {construct}, which Wharf refuses in label files for safety; remove the declaration."
        );
        out.push(
            out.error(ProblemCode::Forbidden, xml::line_of(bytes, pos), message)
                .field(construct)
                .found(construct)
                .expected("no DOCTYPE or ENTITY declaration"),
        );
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            out.push(not_utf8(bytes, e.valid_up_to(), out));
            return None;
        }
    };
    // quick-xml skips a byte order mark without counting it; skipping it here keeps byte
    // positions, and so lines, right.
    Some(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The first `<!DOCTYPE` or `<!ENTITY` anywhere in the file, in any case. Looked for in the raw
/// bytes, before any parsing, so that nothing in a DTD is ever acted on.
fn forbidden_construct(bytes: &[u8]) -> Option<(usize, &'static str)> {
    const CONSTRUCTS: [(&[u8], &str); 2] = [(b"<!DOCTYPE", "<!DOCTYPE"), (b"<!ENTITY", "<!ENTITY")];
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'<')
        .find_map(|(pos, _)| {
            CONSTRUCTS.iter().find_map(|(pattern, name)| {
                let candidate = bytes.get(pos..pos + pattern.len())?;
                candidate
                    .eq_ignore_ascii_case(pattern)
                    .then_some((pos, *name))
            })
        })
}

fn not_utf8(bytes: &[u8], valid_up_to: usize, out: &Problems) -> Problem {
    let found = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        "a UTF-16 byte order mark".to_owned()
    } else {
        let bad = &bytes[valid_up_to..bytes.len().min(valid_up_to + 4)];
        let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
        format!("bytes {}", hex.join(" "))
    };
    let message = "The file is not UTF-8 text (GBK or UTF-16?); save it as UTF-8.";
    out.error(
        ProblemCode::NotUtf8,
        xml::line_of(bytes, valid_up_to),
        message,
    )
    .found(found)
    .expected("UTF-8")
}

/// Reads the root's children as they close, so that only one object is held at a time.
fn read_document(text: &str, read: &mut VocFile, out: &mut Problems) {
    let mut header = Header::default();
    let outcome = xml::read(
        text,
        "annotation",
        is_read,
        out,
        |element, out| match element.name.as_str() {
            "object" => read.objects.extend(object::read(&element, out)),
            _ => header.read(element, read, out),
        },
    );
    // A file cut short has already said so; a missing <size> would only repeat it.
    if let (Some(root_line), true, None) = (outcome.root_line, outcome.complete, read.size_line) {
        let message = "The file has no <size>; add the image's width and height so shapes can be checked against it.";
        out.push(
            out.warning(ProblemCode::MissingField, root_line, message)
                .field("size")
                .expected("<size> with <width>, <height> and <depth>"),
        );
    }
}

/// Children of `<annotation>` worth keeping in memory; anything else (`<source>`, ...) is
/// parsed for well-formedness and dropped.
fn is_read(name: &str) -> bool {
    matches!(
        name,
        "object" | "folder" | "filename" | "size" | "segmented" | "mask_source"
    )
}

/// What the header fields have seen, to warn about repeats.
#[derive(Default)]
struct Header {
    seen: Vec<String>,
}

impl Header {
    fn read(&mut self, element: Element, read: &mut VocFile, out: &mut Problems) {
        if self.seen.contains(&element.name) {
            let message = format!(
                "<{}> appears twice; keep only one, the first is used.",
                element.name
            );
            out.push(
                out.warning(ProblemCode::InvalidValue, element.line, message)
                    .field(element.name.as_str())
                    .found(element.value()),
            );
            return;
        }
        self.seen.push(element.name.clone());
        let doc = &mut read.header;
        match element.name.as_str() {
            "folder" => doc.folder = non_empty(element.value()),
            "filename" => doc.filename = non_empty(element.value()),
            "mask_source" => doc.mask_source = non_empty(element.value()),
            "segmented" => doc.segmented = object::flag(&element, "segmented", out),
            "size" => {
                read.size_line = Some(element.line);
                doc.width = dimension(&element, "width", true, out);
                doc.height = dimension(&element, "height", true, out);
                doc.depth = dimension(&element, "depth", false, out);
            }
            _ => {}
        }
    }
}

/// One of `<size>`'s children as a whole number of pixels. Width and height are `required`:
/// without them no shape can be checked against the image.
fn dimension(size: &Element, name: &str, required: bool, out: &mut Problems) -> Option<u32> {
    let field = format!("size.{name}");
    let missing = |out: &Problems, line| {
        let message =
            format!("<size> has no usable <{name}>; set it to the image's {name} in pixels.");
        out.warning(ProblemCode::MissingField, line, message)
            .field(field.as_str())
            .expected("a whole number of pixels above 0")
    };
    let Some(element) = size.child(name) else {
        if required {
            out.push(missing(out, size.line));
        }
        return None;
    };
    let text = element.value();
    let value = match text.parse::<f64>() {
        Err(_) if text.is_empty() && !required => return None,
        Err(_) if text.is_empty() => {
            out.push(missing(out, element.line).found("(empty)"));
            return None;
        }
        Err(_) => {
            let message = format!("<{name}> is not a number; write the image's {name} in pixels.");
            out.push(
                out.warning(ProblemCode::WrongType, element.line, message)
                    .field(field.as_str())
                    .found(text)
                    .expected("a whole number of pixels"),
            );
            return None;
        }
        Ok(value) => value,
    };
    if value == 0.0 && required {
        out.push(missing(out, element.line).found(text));
        return None;
    }
    if !(0.0..=MAX_ABS_VALUE).contains(&value) || value.fract() != 0.0 {
        let message = format!(
            "<{name}> must be a whole number of pixels between 0 and {MAX_ABS_VALUE}; fix it."
        );
        out.push(
            out.warning(ProblemCode::InvalidValue, element.line, message)
                .field(field.as_str())
                .found(text)
                .expected("a whole number of pixels"),
        );
        return None;
    }
    Some(value as u32)
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// The problems of one file, each made with the file's name.
struct Problems<'f> {
    file: &'f str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    /// An error: the object (or the file) it is about is left out.
    fn error(&self, code: ProblemCode, line: u64, message: impl Into<String>) -> Problem {
        Problem::error(code, self.file, message).at_line(line)
    }

    /// A warning: reported, and the object is kept.
    fn warning(&self, code: ProblemCode, line: u64, message: impl Into<String>) -> Problem {
        Problem::warning(code, self.file, message).at_line(line)
    }

    fn push(&mut self, problem: Problem) {
        self.list.push(problem);
    }
}

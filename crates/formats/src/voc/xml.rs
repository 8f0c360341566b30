//! A bounded element reader on top of quick-xml: the root's children arrive one at a time as
//! small trees, with the line each element starts on.

use quick_xml::Reader;
use quick_xml::errors::{Error, IllFormedError, SyntaxError};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, Event};
use wharf_model::ProblemCode;

use super::{MAX_DEPTH, MAX_ELEMENTS_PER_OBJECT, Problems};

/// An element with its text and the children worth keeping.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Element {
    pub name: String,
    /// 1-based line of the element's `<`.
    pub line: u64,
    /// All the text directly inside, entities resolved.
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    fn new(name: &str, line: u64) -> Self {
        Self {
            name: name.to_owned(),
            line,
            text: String::new(),
            children: Vec::new(),
        }
    }

    /// The text, without the whitespace around it.
    pub fn value(&self) -> &str {
        self.text.trim()
    }

    /// The first child of this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// How far reading got.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outcome {
    /// The line of the root element, when it was the expected one.
    pub root_line: Option<u64>,
    /// Read to the end without a file-level problem.
    pub complete: bool,
}

/// Reads `text`, whose root must be `<root>`, and hands each child of the root for which `wanted`
/// holds to `on_child` as soon as it closes. Stops at the first file-level problem (malformed,
/// truncated, too deep, wrong root), which it reports; children handed out before it stay handed
/// out.
pub(super) fn read(
    text: &str,
    root: &str,
    wanted: impl Fn(&str) -> bool,
    out: &mut Problems,
    mut on_child: impl FnMut(Element, &mut Problems),
) -> Outcome {
    let mut reader = Reader::from_str(text);
    // `<a/>` then reads as `<a></a>`: one code path for both.
    reader.config_mut().expand_empty_elements = true;
    let mut lines = Lines::new(text.as_bytes());
    let mut tree = Tree {
        root,
        wanted,
        stack: Vec::new(),
        root_line: None,
        child_elements: 0,
    };
    loop {
        let start = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                let line = lines.line_at(reader.error_position());
                out.push(xml_error(&error, line, out));
                return tree.outcome(false);
            }
        };
        let flow = match event {
            Event::Start(tag) => tree.open(tag.name().into_inner(), lines.line_at(start), out),
            Event::End(_) => tree.close(out, &mut on_child),
            Event::Text(text) => tree.push_text(&text.xml10_content()),
            Event::CData(data) => tree.push_text(&data.xml10_content()),
            Event::GeneralRef(reference) => {
                let text = resolve_reference(&reference, lines.line_at(start), out);
                tree.push_text(&text)
            }
            // Refused before parsing; kept as a second guard should that check ever change.
            Event::DocType(_) => {
                let message = "The file declares <!DOCTYPE, which Wharf refuses in label files for safety; remove the declaration.";
                out.push(
                    out.error(ProblemCode::Forbidden, lines.line_at(start), message)
                        .field("<!DOCTYPE")
                        .expected("no DOCTYPE declaration"),
                );
                Flow::Stop
            }
            Event::Eof => {
                let complete = tree.end_of_input(lines.line_at(start), out);
                return tree.outcome(complete);
            }
            // `Empty` never comes: `expand_empty_elements` turns it into `Start` and `End`.
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::Empty(_) => Flow::Go,
        };
        if let Flow::Stop = flow {
            return tree.outcome(false);
        }
    }
}

/// Whether reading goes on after an event.
enum Flow {
    Go,
    /// A file-level problem was reported.
    Stop,
}

/// The elements open at the reader's position, and what is known of the document so far.
struct Tree<'r, W> {
    root: &'r str,
    /// Which children of the root are kept.
    wanted: W,
    /// Open elements, the root first.
    stack: Vec<Open>,
    root_line: Option<u64>,
    /// Elements in the root child being read, to bound its size.
    child_elements: usize,
}

/// An element being read; `keep` is false for elements read only to be skipped.
struct Open {
    element: Element,
    keep: bool,
}

impl<W: Fn(&str) -> bool> Tree<'_, W> {
    fn outcome(&self, complete: bool) -> Outcome {
        Outcome {
            root_line: self.root_line,
            complete,
        }
    }

    /// A start tag: checks the root and the depth, then opens the element.
    fn open(&mut self, name: &str, line: u64, out: &mut Problems) -> Flow {
        let root = self.root;
        let keep = match self.stack.len() {
            0 if self.root_line.is_some() => {
                let message = format!(
                    "A second root element <{name}> follows </{root}>; a label file holds exactly one <{root}>."
                );
                out.push(
                    out.error(ProblemCode::Syntax, line, message)
                        .field(name)
                        .expected("end of file"),
                );
                return Flow::Stop;
            }
            0 if name != root => {
                let message = format!(
                    "The root element is <{name}>, not <{root}>: this is not a Pascal VOC label file."
                );
                out.push(
                    out.error(ProblemCode::LayoutMismatch, line, message)
                        .field(name)
                        .found(format!("<{name}>"))
                        .expected(format!("<{root}>")),
                );
                return Flow::Stop;
            }
            depth if depth >= MAX_DEPTH => {
                let message = format!(
                    "Elements are nested more than {MAX_DEPTH} deep here; a VOC file needs four levels, remove the nesting."
                );
                out.push(
                    out.error(ProblemCode::TooDeep, line, message)
                        .field(name)
                        .expected(format!("at most {MAX_DEPTH} levels")),
                );
                return Flow::Stop;
            }
            0 => {
                self.root_line = Some(line);
                // The root's children are handed out, never stored in it.
                false
            }
            1 => {
                self.child_elements = 1;
                (self.wanted)(name)
            }
            _ => {
                self.child_elements += 1;
                let parent_kept = self.stack.last().is_some_and(|parent| parent.keep);
                parent_kept && self.child_elements <= MAX_ELEMENTS_PER_OBJECT
            }
        };
        self.stack.push(Open {
            element: Element::new(name, line),
            keep,
        });
        Flow::Go
    }

    /// An end tag: a child of the root goes to `on_child`, a deeper element to its parent.
    fn close(
        &mut self,
        out: &mut Problems,
        on_child: &mut impl FnMut(Element, &mut Problems),
    ) -> Flow {
        let Some(open) = self.stack.pop() else {
            return Flow::Go;
        };
        if !open.keep {
            // Skipped, such as <source>, or beyond the element limit.
        } else if self.stack.len() == 1 {
            if self.child_elements > MAX_ELEMENTS_PER_OBJECT {
                out.push(too_many_elements(&open.element, out));
            } else {
                on_child(open.element, out);
            }
        } else if let Some(parent) = self.stack.last_mut().filter(|parent| parent.keep) {
            parent.element.children.push(open.element);
        }
        Flow::Go
    }

    /// Appends text to the innermost element, if it is kept.
    fn push_text(&mut self, text: &str) -> Flow {
        if let Some(open) = self.stack.last_mut().filter(|open| open.keep) {
            open.element.text.push_str(text);
        }
        Flow::Go
    }

    /// The end of input: fine after the root closed, a truncation anywhere else. Returns whether
    /// the document was complete.
    fn end_of_input(&self, eof_line: u64, out: &mut Problems) -> bool {
        let root = self.root;
        if let Some(open) = self.stack.last() {
            let name = &open.element.name;
            let message = format!(
                "The file ends before <{name}> (opened on this line) is closed; it looks cut short, upload it again."
            );
            out.push(
                out.error(ProblemCode::Truncated, open.element.line, message)
                    .field(name.as_str())
                    .expected(format!("</{name}>")),
            );
            return false;
        }
        if self.root_line.is_none() {
            let message =
                format!("The file has no root element; a VOC label file holds one <{root}>.");
            out.push(
                out.error(ProblemCode::Truncated, eof_line, message)
                    .found("(empty)")
                    .expected(format!("<{root}>")),
            );
            return false;
        }
        true
    }
}

/// `&lt;`, `&#65;` and the like. Any other name cannot be declared (DTDs are refused), so it is
/// kept as written, with a warning.
fn resolve_reference(reference: &BytesRef, line: u64, out: &mut Problems) -> String {
    let name: &str = reference;
    match reference.resolve_char_ref() {
        Ok(Some(c)) => return c.to_string(),
        Ok(None) => {}
        Err(_) => {
            let message = format!(
                "&{name}; is not a valid character; it is kept as written, fix or remove it."
            );
            out.push(
                out.warning(ProblemCode::InvalidValue, line, message)
                    .found(format!("&{name};"))
                    .expected("a character reference such as &#65;"),
            );
            return format!("&{name};");
        }
    }
    if let Some(text) = resolve_predefined_entity(name) {
        return text.to_owned();
    }
    let message = format!(
        "&{name}; is not one of XML's predefined entities; it is kept as written, write &amp;{name}; if the text is meant."
    );
    out.push(
        out.warning(ProblemCode::Syntax, line, message)
            .found(format!("&{name};"))
            .expected("&amp; &lt; &gt; &quot; &apos; or a character reference"),
    );
    format!("&{name};")
}

fn too_many_elements(element: &Element, out: &Problems) -> wharf_model::Problem {
    let name = &element.name;
    let message = format!(
        "<{name}> holds more than {MAX_ELEMENTS_PER_OBJECT} elements and is left out; split or fix it."
    );
    out.error(ProblemCode::TooLarge, element.line, message)
        .field(name.as_str())
        .expected(format!("at most {MAX_ELEMENTS_PER_OBJECT} elements"))
}

/// A quick-xml error as a problem. Input ending inside markup is a truncation; anything else is
/// malformed XML.
fn xml_error(error: &Error, line: u64, out: &Problems) -> wharf_model::Problem {
    let (code, message, found, expected) = match error {
        Error::Syntax(SyntaxError::InvalidBangMarkup) => (
            ProblemCode::Syntax,
            "Markup starting with `<!` is neither a comment nor CDATA; fix or remove it."
                .to_owned(),
            None,
            None,
        ),
        Error::Syntax(e) => (
            ProblemCode::Truncated,
            format!("The file ends inside markup ({e}); it looks cut short, upload it again."),
            None,
            None,
        ),
        Error::IllFormed(IllFormedError::MissingEndTag(name)) => (
            ProblemCode::Truncated,
            format!(
                "The file ends before <{name}> is closed; it looks cut short, upload it again."
            ),
            None,
            Some(format!("</{name}>")),
        ),
        Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => (
            ProblemCode::Syntax,
            format!("</{found}> closes <{expected}>; fix the closing tag."),
            Some(format!("</{found}>")),
            Some(format!("</{expected}>")),
        ),
        Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => (
            ProblemCode::Syntax,
            format!("</{name}> closes nothing; remove it."),
            Some(format!("</{name}>")),
            None,
        ),
        Error::IllFormed(IllFormedError::UnclosedReference) => (
            ProblemCode::Syntax,
            "A `&` starts no entity; write it as &amp;.".to_owned(),
            Some("&".to_owned()),
            Some("&amp;".to_owned()),
        ),
        Error::Encoding(_) => (
            ProblemCode::NotUtf8,
            "The file is not UTF-8 text; save it as UTF-8.".to_owned(),
            None,
            None,
        ),
        other => (
            ProblemCode::Syntax,
            format!("The file is not well-formed XML ({other}); fix it."),
            None,
            None,
        ),
    };
    let mut problem = out.error(code, line, message);
    if let Some(found) = found {
        problem = problem.found(found);
    }
    if let Some(expected) = expected {
        problem = problem.expected(expected);
    }
    problem
}

/// 1-based line of a byte position, in one pass.
pub(super) fn line_of(bytes: &[u8], pos: usize) -> u64 {
    let end = pos.min(bytes.len());
    1 + bytes[..end].iter().filter(|b| **b == b'\n').count() as u64
}

/// Lines of byte positions that mostly move forward: counts newlines only once.
struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, pos: u64) -> u64 {
        let pos = usize::try_from(pos)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if pos < self.pos {
            return line_of(self.bytes, pos);
        }
        self.line += self.bytes[self.pos..pos]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.pos = pos;
        self.line
    }
}

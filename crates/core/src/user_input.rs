//! The user's turn input: the prompt and local images (`exec -i`), turned into the user
//! message the model reads. Each image is wrapped in `<image name=[Image #N]>` markers as
//! a `data:` URL; an image that cannot be attached becomes a line of text saying why, as
//! in the reference.

use std::path::{Path, PathBuf};

use recodex_protocol::models::{ContentItem, ImageDetail, ResponseItem};

/// What the user sends for one turn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserInput {
    /// The prompt text.
    pub text: String,
    /// Local image files, as given (relative paths are relative to the session's cwd).
    pub images: Vec<PathBuf>,
}

/// Most characters (Unicode scalar values, all text items together) one turn's input may
/// hold: 1,048,576, the reference's limit.
pub const MAX_USER_INPUT_TEXT_CHARS: usize = 1 << 20;

impl UserInput {
    /// Refuses input over [`MAX_USER_INPUT_TEXT_CHARS`], before anything is recorded or sent.
    pub fn check_size(&self) -> Result<(), crate::CoreError> {
        let actual_chars = self.text.chars().count();
        if actual_chars > MAX_USER_INPUT_TEXT_CHARS {
            return Err(crate::CoreError::InputTooLarge {
                max_chars: MAX_USER_INPUT_TEXT_CHARS,
                actual_chars,
            });
        }
        Ok(())
    }

    /// A prompt without images.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            images: Vec::new(),
        }
    }
}

/// The user message of `input`, reading the images from disk.
pub(crate) fn user_message(input: &UserInput, cwd: &Path) -> ResponseItem {
    let mut content = Vec::new();
    for (index, path) in input.images.iter().enumerate() {
        match image_url(&cwd.join(path)) {
            Ok(url) => {
                content.push(text(format!("<image name=[Image #{}]>", index + 1)));
                content.push(ContentItem::InputImage {
                    image_url: url,
                    detail: Some(ImageDetail::High),
                });
                content.push(text("</image>".to_owned()));
            }
            Err(ImageError::Locate(err)) => content.push(text(format!(
                "Codex could not read the local image at `{}`: {err}",
                path.display()
            ))),
            Err(ImageError::Read(err)) => content.push(text(format!(
                "Codex could not read the local image at `{}`: {err}",
                path.display()
            ))),
            Err(ImageError::NotAFile) => content.push(text(format!(
                "Codex could not read the local image at `{}`: not a file",
                path.display()
            ))),
            Err(ImageError::Unsupported(mime)) => content.push(text(format!(
                "Codex cannot attach image at `{}`: unsupported image `{mime}`.",
                path.display()
            ))),
        }
    }
    content.push(text(input.text.clone()));
    ResponseItem::Message {
        id: None,
        role: "user".to_owned(),
        content,
        phase: None,
    }
}

fn text(text: String) -> ContentItem {
    ContentItem::InputText { text }
}

/// Largest image file read (the reference's limit, inclusive): 512 MiB.
pub(crate) const IMAGE_MAX_BYTES: u64 = 536_870_912;

/// Why a file could not be attached as an image.
pub(crate) enum ImageError {
    /// It could not be found (or looked up).
    Locate(std::io::Error),
    /// It is a directory, a device, a FIFO or a socket.
    NotAFile,
    /// It could not be read (too large, or a read error).
    Read(recodex_stdx::BoundedReadError),
    /// It is not a PNG, JPEG, GIF or WebP file; the type its name suggests.
    Unsupported(&'static str),
}

/// A `data:` URL for the image at `path`, when it is a PNG, JPEG, GIF or WebP file.
pub(crate) fn image_url(path: &Path) -> Result<String, ImageError> {
    use recodex_stdx::BoundedReadError;
    let bytes =
        recodex_stdx::read_regular_file(path, IMAGE_MAX_BYTES).map_err(|err| match err {
            BoundedReadError::Locate(err) => ImageError::Locate(err),
            BoundedReadError::NotAFile => ImageError::NotAFile,
            other => ImageError::Read(other),
        })?;
    let mime = sniff(&bytes).ok_or_else(|| ImageError::Unsupported(mime_from_extension(path)))?;
    Ok(format!(
        "data:{mime};base64,{}",
        recodex_stdx::base64_encode(&bytes)
    ))
}

/// The image type from the file's first bytes.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The type a file name suggests, for the message about a file that is not an image.
fn mime_from_extension(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("txt" | "log") => "text/plain",
        Some("md" | "markdown") => "text/markdown",
        Some("html" | "htm") => "text/html",
        Some("css") => "text/css",
        Some("csv") => "text/csv",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("svg") => "image/svg+xml",
        Some("bmp") => "image/bmp",
        Some("tif" | "tiff") => "image/tiff",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";

    fn texts(item: &ResponseItem) -> Vec<String> {
        let ResponseItem::Message { content, .. } = item else {
            panic!("not a message");
        };
        content
            .iter()
            .map(|c| match c {
                ContentItem::InputText { text } => text.clone(),
                ContentItem::InputImage { image_url, .. } => format!("IMAGE {image_url}"),
                ContentItem::OutputText { text } => format!("OUT {text}"),
            })
            .collect()
    }

    #[test]
    fn images_are_wrapped_and_numbered_before_the_prompt() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.png"), PNG).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "hi").unwrap();
        let input = UserInput {
            text: "Look.".to_owned(),
            images: vec!["a.png".into(), "notes.txt".into(), "nope.png".into()],
        };
        assert_eq!(
            texts(&user_message(&input, dir.path())),
            [
                "<image name=[Image #1]>".to_owned(),
                format!("IMAGE data:image/png;base64,{}", recodex_stdx::base64_encode(PNG)),
                "</image>".to_owned(),
                "Codex cannot attach image at `notes.txt`: unsupported image `text/plain`."
                    .to_owned(),
                "Codex could not read the local image at `nope.png`: No such file or directory (os error 2)"
                    .to_owned(),
                "Look.".to_owned(),
            ]
        );
    }

    #[test]
    fn a_prompt_alone_is_one_text_part() {
        let item = user_message(&UserInput::text("hi"), Path::new("/"));
        assert_eq!(texts(&item), ["hi"]);
    }
}

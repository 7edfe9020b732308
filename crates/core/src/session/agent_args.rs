//! The arguments of the multi-agent tools and the checks the reference makes on them
//! (its texts for the model), and the nicknames agents are given.

use recodex_protocol::ReasoningEffort;
use serde::Deserialize;

/// The names agents are given: each one unused in the session, picked at random; once all
/// are taken, the names come round again with an ordinal (`Plato the 2nd`).
pub(super) const NICKNAMES: [&str; 101] = [
    "Euclid",
    "Archimedes",
    "Ptolemy",
    "Hypatia",
    "Avicenna",
    "Averroes",
    "Aquinas",
    "Copernicus",
    "Kepler",
    "Galileo",
    "Bacon",
    "Descartes",
    "Pascal",
    "Fermat",
    "Huygens",
    "Leibniz",
    "Newton",
    "Halley",
    "Euler",
    "Lagrange",
    "Laplace",
    "Volta",
    "Gauss",
    "Ampere",
    "Faraday",
    "Darwin",
    "Lovelace",
    "Boole",
    "Pasteur",
    "Maxwell",
    "Mendel",
    "Curie",
    "Planck",
    "Tesla",
    "Poincare",
    "Noether",
    "Hilbert",
    "Einstein",
    "Raman",
    "Bohr",
    "Turing",
    "Hubble",
    "Feynman",
    "Franklin",
    "McClintock",
    "Meitner",
    "Herschel",
    "Linnaeus",
    "Wegener",
    "Chandrasekhar",
    "Sagan",
    "Goodall",
    "Carson",
    "Carver",
    "Socrates",
    "Plato",
    "Aristotle",
    "Epicurus",
    "Cicero",
    "Confucius",
    "Mencius",
    "Zeno",
    "Locke",
    "Hume",
    "Kant",
    "Hegel",
    "Kierkegaard",
    "Mill",
    "Nietzsche",
    "Peirce",
    "James",
    "Dewey",
    "Russell",
    "Popper",
    "Sartre",
    "Beauvoir",
    "Arendt",
    "Rawls",
    "Singer",
    "Anscombe",
    "Parfit",
    "Kuhn",
    "Boyle",
    "Hooke",
    "Harvey",
    "Dalton",
    "Ohm",
    "Helmholtz",
    "Gibbs",
    "Lorentz",
    "Schrodinger",
    "Heisenberg",
    "Pauli",
    "Dirac",
    "Bernoulli",
    "Godel",
    "Nash",
    "Banach",
    "Ramanujan",
    "Erdos",
    "Jason",
];

#[derive(Deserialize)]
pub(super) struct InputItem {
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) text: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SpawnArgs {
    #[serde(default)]
    pub(super) message: Option<String>,
    #[serde(default)]
    pub(super) items: Option<Vec<InputItem>>,
    #[serde(default)]
    pub(super) agent_type: Option<String>,
    #[serde(default)]
    pub(super) fork_context: bool,
    #[serde(default)]
    pub(super) model: Option<String>,
    #[serde(default)]
    pub(super) reasoning_effort: Option<ReasoningEffort>,
}

#[derive(Deserialize)]
pub(super) struct SendArgs {
    pub(super) target: String,
    #[serde(default)]
    pub(super) message: Option<String>,
    #[serde(default)]
    pub(super) items: Option<Vec<InputItem>>,
    #[serde(default)]
    pub(super) interrupt: bool,
}

#[derive(Deserialize)]
pub(super) struct TargetArgs {
    pub(super) target: String,
}

#[derive(Deserialize)]
pub(super) struct ResumeArgs {
    pub(super) id: String,
}

#[derive(Deserialize)]
pub(super) struct WaitArgs {
    #[serde(default)]
    pub(super) targets: Vec<String>,
    #[serde(default)]
    pub(super) timeout_ms: Option<i64>,
}

pub(super) fn parse<'a, T: Deserialize<'a>>(arguments: &'a str) -> Result<T, String> {
    serde_json::from_str(arguments).map_err(|e| format!("failed to parse function arguments: {e}"))
}

/// `id` when it is a thread id, else the reference's text for the model (the parse error
/// as its uuid crate shows it: positions counted from 1, a wrong length without hyphens
/// named `ParseSimpleLength`).
pub(super) fn agent_id(id: &str) -> Result<String, String> {
    uuid::Uuid::parse_str(id)
        .map(|_| id.to_owned())
        .map_err(|err| {
            let mut shown =
                format!("{err:?}").replace("Error(ParseLength ", "Error(ParseSimpleLength ");
            if shown.starts_with("Error(ParseChar")
                && let Some(at) = shown.rfind("index: ")
            {
                let digits: String = shown[at + 7..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if let Ok(index) = digits.parse::<usize>() {
                    shown.replace_range(at + 7..at + 7 + digits.len(), &(index + 1).to_string());
                }
            }
            format!("invalid agent id {id}: {shown}")
        })
}

/// The text of a message given as `message` or as `items` (exactly one of them).
pub(super) fn message_text(
    message: Option<String>,
    items: Option<Vec<InputItem>>,
) -> Result<String, String> {
    match (message, items) {
        (Some(_), Some(_)) => Err("Provide either message or items, but not both".to_owned()),
        (None, None) => Err("Provide one of: message or items".to_owned()),
        (Some(message), None) if message.trim().is_empty() => {
            Err("Empty message can't be sent to an agent".to_owned())
        }
        (Some(message), None) => Ok(message),
        (None, Some(items)) if items.is_empty() => Err("Items can't be empty".to_owned()),
        (None, Some(items)) => Ok(items
            .into_iter()
            .filter(|item| item.kind == "text")
            .filter_map(|item| item.text)
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// A nickname not given yet in this round of the pool.
pub(super) fn pick_nickname(given: &[String]) -> String {
    let round = given.len() / NICKNAMES.len() + 1;
    let with_round = |name: &str| match round {
        1 => name.to_owned(),
        n => format!("{name} the {}", ordinal(n)),
    };
    let free: Vec<String> = NICKNAMES
        .iter()
        .map(|name| with_round(name))
        .filter(|name| !given.contains(name))
        .collect();
    let pick = usize::try_from(uuid::Uuid::new_v4().as_u128() % 1_000_003).unwrap_or(0);
    free.get(pick % free.len().max(1))
        .cloned()
        .unwrap_or_else(|| with_round(NICKNAMES[0]))
}

/// `2nd`, `3rd`, `11th`, `21st`, ...
pub(super) fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_come_round_again_with_ordinals() {
        let mut given: Vec<String> = Vec::new();
        for _ in 0..NICKNAMES.len() {
            let name = pick_nickname(&given);
            assert!(!given.contains(&name));
            assert!(NICKNAMES.contains(&name.as_str()));
            given.push(name);
        }
        let next = pick_nickname(&given);
        assert!(next.ends_with(" the 2nd"), "{next}");
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal),
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }

    #[test]
    fn ids_and_messages_are_checked_with_the_reference_texts() {
        assert_eq!(
            agent_id("not-a-uuid").unwrap_err(),
            "invalid agent id not-a-uuid: Error(ParseChar { character: 'n', index: 1 })"
        );
        assert_eq!(
            agent_id("01a21408-07a4-7fd1-8fc4-5601e54be51z").unwrap_err(),
            "invalid agent id 01a21408-07a4-7fd1-8fc4-5601e54be51z: Error(ParseChar { character: 'z', index: 36 })"
        );
        assert_eq!(
            agent_id("abc").unwrap_err(),
            "invalid agent id abc: Error(ParseSimpleLength { len: 3 })"
        );
        assert_eq!(
            agent_id("ab-c").unwrap_err(),
            "invalid agent id ab-c: Error(ParseGroupCount { count: 2 })"
        );
        assert!(agent_id("01a21408-07a4-7fd1-8fc4-5601e54be511").is_ok());
        assert_eq!(
            message_text(None, None).unwrap_err(),
            "Provide one of: message or items"
        );
        assert_eq!(
            message_text(Some(" ".into()), None).unwrap_err(),
            "Empty message can't be sent to an agent"
        );
        assert_eq!(
            message_text(None, Some(Vec::new())).unwrap_err(),
            "Items can't be empty"
        );
        let items = vec![
            InputItem {
                kind: "text".into(),
                text: Some("a".into()),
            },
            InputItem {
                kind: "image".into(),
                text: None,
            },
            InputItem {
                kind: "text".into(),
                text: Some("b".into()),
            },
        ];
        assert_eq!(message_text(None, Some(items)).unwrap(), "a\nb");
    }
}

//! Serper's response (parsed at the edge) and the tool's structured output.

use lambda_mcp_core::schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The results of a web search (`search_website`'s `structuredContent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(crate = "lambda_mcp_core::schemars")]
pub struct SearchResults {
    /// The query that was searched.
    pub query: String,
    /// The web results, best first.
    pub organic: Vec<OrganicResult>,
    /// A direct answer, when the search engine shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_box: Option<AnswerBox>,
    /// A knowledge-graph panel about the query's subject, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge_graph: Option<KnowledgeGraph>,
}

/// One web result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "lambda_mcp_core::schemars")]
pub struct OrganicResult {
    /// The page's title.
    pub title: String,
    /// The page's URL.
    pub link: String,
    /// An excerpt of the page (empty when the engine gave none).
    pub snippet: String,
    /// The rank, from 1.
    pub position: u32,
    /// The page's date, when the engine shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// A direct answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "lambda_mcp_core::schemars")]
pub struct AnswerBox {
    /// The answer itself, when it is short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The title of the answering page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// An excerpt with the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// The answering page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// A knowledge-graph panel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(crate = "lambda_mcp_core::schemars")]
pub struct KnowledgeGraph {
    /// The subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What kind of thing it is (e.g. "Programming language").
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// A short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its official website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Facts, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// The body Serper sends (fields this tool does not use are ignored).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SerperResponse {
    #[serde(default)]
    organic: Vec<SerperOrganic>,
    answer_box: Option<AnswerBox>,
    knowledge_graph: Option<KnowledgeGraph>,
}

#[derive(Deserialize)]
struct SerperOrganic {
    title: String,
    link: String,
    #[serde(default)]
    snippet: String,
    position: Option<u32>,
    date: Option<String>,
}

impl SerperResponse {
    /// The structured output: at most `limit` organic results, numbered
    /// from 1 where Serper left a position out.
    pub(crate) fn into_results(self, query: &str, limit: usize) -> SearchResults {
        let organic = (1..)
            .zip(self.organic)
            .take(limit)
            .map(|(rank, r)| OrganicResult {
                title: r.title,
                link: r.link,
                snippet: r.snippet,
                position: r.position.unwrap_or(rank),
                date: r.date,
            })
            .collect();
        SearchResults {
            query: query.to_owned(),
            organic,
            answer_box: self.answer_box,
            knowledge_graph: self.knowledge_graph,
        }
    }
}

impl SearchResults {
    /// The text a model or a person reads: the answer, the panel, then one
    /// numbered block per result.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        match self.organic.len() {
            0 => _ = writeln!(out, "No web results for {:?}.", self.query),
            1 => _ = writeln!(out, "1 web result for {:?}.", self.query),
            n => _ = writeln!(out, "{n} web results for {:?}.", self.query),
        }
        if let Some(answer) = &self.answer_box {
            let text = [&answer.answer, &answer.snippet].into_iter().flatten().next();
            if let Some(text) = text {
                _ = write!(out, "\nAnswer: {text}");
                if let Some(link) = &answer.link {
                    _ = write!(out, " ({link})");
                }
                out.push('\n');
            }
        }
        if let Some(graph) = &self.knowledge_graph {
            _ = write!(out, "\nAbout: {}", graph.title.as_deref().unwrap_or("(untitled)"));
            if let Some(kind) = &graph.kind {
                _ = write!(out, " ({kind})");
            }
            for part in [&graph.description, &graph.website].into_iter().flatten() {
                _ = write!(out, "\n  {part}");
            }
            for (name, value) in &graph.attributes {
                _ = write!(out, "\n  {name}: {value}");
            }
            out.push('\n');
        }
        for r in &self.organic {
            _ = write!(out, "\n{}. {}\n   {}\n", r.position, r.title, r.link);
            if !r.snippet.is_empty() {
                _ = writeln!(out, "   {}", r.snippet);
            }
        }
        out.truncate(out.trim_end().len());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> SearchResults {
        serde_json::from_str::<SerperResponse>(json).unwrap().into_results("q", 10)
    }

    #[test]
    fn missing_organic_means_no_results() {
        let results = parse(r#"{"searchParameters":{"q":"q"}}"#);
        assert!(results.organic.is_empty());
        assert_eq!(results.to_text(), "No web results for \"q\".");
    }

    #[test]
    fn positions_are_filled_and_results_capped() {
        let json = r#"{"organic":[{"title":"a","link":"l1"},{"title":"b","link":"l2","snippet":"s","position":7}]}"#;
        let results = serde_json::from_str::<SerperResponse>(json).unwrap().into_results("q", 1);
        assert_eq!(results.organic.len(), 1);
        assert_eq!(results.organic[0].position, 1);
        assert_eq!(results.organic[0].snippet, "");
    }

    #[test]
    fn text_shows_answer_panel_and_results() {
        let results = parse(
            r#"{"answerBox":{"answer":"42","link":"https://a"},
                "knowledgeGraph":{"title":"Rust","type":"Language","attributes":{"Designed by":"Graydon Hoare"}},
                "organic":[{"title":"T","link":"https://t","snippet":"S","position":1}]}"#,
        );
        let text = results.to_text();
        for part in ["1 web result", "Answer: 42 (https://a)", "About: Rust (Language)", "Designed by: Graydon Hoare"] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        assert!(text.ends_with("1. T\n   https://t\n   S"), "{text}");
    }
}

/** The search phase's size (issue 22: p95 ≤ 150 ms over 10,000 conversations). */
export const SEARCH = { conversations: 10_000, messagesPerConversation: 4, samples: 210 };

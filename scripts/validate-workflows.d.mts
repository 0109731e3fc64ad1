// Types of scripts/validate-workflows.mjs for the workflow test.
export declare function validateWorkflows(dir?: string): Array<{ file: string; errors: Array<{ code: string; title: string; detail?: string }> }>;

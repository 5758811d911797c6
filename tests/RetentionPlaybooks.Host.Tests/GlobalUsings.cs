global using RetentionPlaybooks.Pipeline;

"""What every function shares: settings, errors, tokens, email texts, records.

boto3, Powertools and pydantic only (the Lambda runtime and the Powertools layer provide them).
"""
